/**
 * A connection setting that names something Krayin does not have (unknown stage code, source name,
 * owner email...). Retrying cannot fix it: the sync parks with kind "config" until the setting is fixed.
 */
export class ConnectionConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'ConnectionConfigError';
  }
}
