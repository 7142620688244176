/**
 * Krayin column limits that are not about text length (those are in text.ts). Kept dependency-free
 * so the config schema can share them without loading the mapper.
 */

/** decimal(12,4): Krayin's price columns (lead_value, price attributes). */
export const PRICE_MAX = 99_999_999.9999;
