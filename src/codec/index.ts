export { createEncryptionCodec, isEncryptedPayload, ENCRYPTED_ENCODING, KEY_ID_METADATA } from './encryption-codec';
export type { EncryptionCodec } from './encryption-codec';
export {
  parseKeyring,
  loadKeyring,
  generateKey,
  newKeyLine,
  defaultKeyId,
  keyringSchema,
  keyringEnvSchema,
  KEY_BYTES,
  KEYRING_ENV,
} from './keyring';
export type { Keyring, LoadedKeyring } from './keyring';
export { printNewKeyLine } from './generate-key';
export { createCodecRouter, CODEC_ALLOWED_HEADERS } from './codec-server';
export type { CodecServerOptions, CodecServerLogger } from './codec-server';
export { payloadFromJson, payloadToJson } from './json-payloads';
export type { JsonPayload } from './json-payloads';
export { codecConfigSchema, codecServerSchema, codecConfigFromEnv, DEFAULT_UI_ORIGINS } from './config';
export type { CodecConfig, CodecServerConfig } from './config';
export { KeyringError, UnknownEncryptionKeyError, PayloadDecryptionError } from './errors';
export { encryptedDataConverter, FAILURE_CONVERTER_PATH } from './data-converter';
