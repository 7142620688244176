/**
 * The real-krayin tier's setup: the Temporal dev server (shared with the integration project when both
 * run) and the real Krayin, installed from ../shared/krayin-real or started. A Krayin that cannot be
 * installed or started fails the run with the reason: never a skip.
 */
import temporalSetup from '../../helpers/global-setup';
import { ensureRealKrayin } from './krayin-real';

export default async function globalSetup(): Promise<void> {
  await temporalSetup();
  if (!process.env.REAL_KRAYIN_DIR) process.env.REAL_KRAYIN_DIR = ensureRealKrayin();
}
