/**
 * The DataConverter every Client and Worker of the service uses when encryption is on. Both sides need
 * the same one: a client without it writes plaintext workflow inputs and cannot read results.
 */
import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** Pass to bundleWorkflowCode({ failureConverterPath }) when bundling ahead of time. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function encryptedDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}
