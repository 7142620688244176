/** Human names for Chatwoot channel types (src/chatwoot/README.md §3), for activity titles and summaries. */

const CHANNEL_LABELS: Record<string, string> = {
  'Channel::WebWidget': 'Website',
  'Channel::Api': 'API',
  'Channel::Email': 'Email',
  'Channel::Whatsapp': 'WhatsApp',
  'Channel::FacebookPage': 'Facebook',
  'Channel::Instagram': 'Instagram',
  'Channel::TwitterProfile': 'Twitter',
  // Twilio carries SMS and WhatsApp alike; the payload does not say which.
  'Channel::TwilioSms': 'Twilio',
  'Channel::Sms': 'SMS',
  'Channel::Telegram': 'Telegram',
  'Channel::Line': 'LINE',
  'Channel::Tiktok': 'TikTok',
};

/**
 * `Channel::Whatsapp` -> `WhatsApp`. Instagram DMs of a page-connected account arrive through
 * `Channel::FacebookPage` with `additional.type = instagram_direct_message`. A channel we do not know
 * (a newer Chatwoot) shows its bare type name; a missing one shows `Chatwoot`.
 */
export function channelLabel(channel: string | null, additional: Record<string, string> = {}): string {
  if (channel === 'Channel::FacebookPage' && additional.type === 'instagram_direct_message') return 'Instagram';
  if (channel === null) return 'Chatwoot';
  return CHANNEL_LABELS[channel] ?? (channel.replace(/^Channel::/, '').replace(/[^\w]/g, '') || 'Chatwoot');
}
