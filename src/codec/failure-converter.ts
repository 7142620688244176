/**
 * Loaded by path (Temporal also runs converters inside the workflow sandbox): moves every failure's message
 * and stack trace into an encoded payload, which the encryption codec then encrypts. Without this, error
 * texts are stored in history in clear, whatever the codec does.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
