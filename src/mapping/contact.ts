/**
 * Chatwoot contact -> the Krayin state we want (ContactPlan). Pure and deterministic: it also runs in
 * workflow code. Blocked contacts are mapped like any other (blocking is a Chatwoot inbox matter; the
 * person still exists for sales).
 */
import type { ChatwootContact } from '../chatwoot/contact';
import type { SyncSettings } from '../config/schema';
import { mapCustomAttributes, fieldName, type AttributeCatalog } from './attributes';
import { coerceAddress, coercePrice, type CoerceOptions } from './coerce';
import { emailLocalPart, inspectEmail } from './email';
import {
  effectiveFieldSources,
  fieldMapNeedsCatalog,
  isBlank,
  readChatwootPath,
  readFirst,
  type FieldSources,
} from './field-map';
import type { MapSection } from './fields';
import { cleanOrganizationName, organizationNameKey } from './organization';
import { normalizePhone, toE164 } from './phone';
import { placeholderEmail } from './placeholder';
import { renderTitle } from './template';
import { multiLine, scalarText, singleLine, TEXT_MAX_BYTES, truncateChars, truncateUtf8 } from './text';
import type { ContactPlan, DesiredLead, DesiredOrganization, DesiredPerson, MappingProblem } from './types';

export type { AttributeCatalog };

export interface MapOptions {
  /** Krayin's APP_TIMEZONE, for date/datetime attributes. Default "UTC". */
  timezone: string;
}

export const NOTE_WAITING_FOR_EMAIL = 'waiting for an email address';
export const NOTE_WAITING_FOR_VALID_EMAIL = 'waiting for an email address (the current one is not valid for Krayin)';
export const NOTE_NO_PLACEHOLDER_SOURCE =
  'no email address, and no phone number or identifier to build a placeholder email from';
export const NOTE_INVALID_EMAIL_IGNORED = 'an email address that Krayin would reject was ignored';

/**
 * @param catalog Krayin's attribute definitions; required only when the field map names custom
 *   attributes (see fieldMapNeedsCatalog), otherwise ignored.
 */
export function mapContact(
  contact: ChatwootContact,
  sync: SyncSettings,
  catalog?: AttributeCatalog,
  opts: MapOptions = { timezone: 'UTC' },
): ContactPlan {
  if (!catalog && fieldMapNeedsCatalog(sync.fieldMap)) {
    throw new Error('mapContact: the field map names custom attributes; pass the Krayin attribute catalog');
  }
  return new ContactMapper(contact, sync, catalog, opts).plan();
}

class ContactMapper {
  private readonly sources: FieldSources;
  private readonly problems: MappingProblem[] = [];
  private readonly notes: string[] = [];
  private readonly coerceOpts: CoerceOptions;

  constructor(
    private readonly contact: ChatwootContact,
    private readonly sync: SyncSettings,
    private readonly catalog: AttributeCatalog | undefined,
    opts: MapOptions,
  ) {
    this.sources = effectiveFieldSources(sync);
    this.coerceOpts = { timezone: opts.timezone };
  }

  plan(): ContactPlan {
    const { emails, sawInvalidEmail } = this.emails();
    const phones = this.phones();
    const realEmail = emails[0] ?? null;

    let email = realEmail;
    let emailIsPlaceholder = false;
    if (email === null && this.sync.emaillessPolicy === 'placeholder') {
      email = placeholderEmail(phones, scalarText(this.contact.identifier), this.sync.placeholderEmailDomain);
      emailIsPlaceholder = email !== null;
    }
    if (sawInvalidEmail && email !== null) this.notes.push(NOTE_INVALID_EMAIL_IGNORED);

    const personEmails = email === null ? [] : emailIsPlaceholder ? [email] : emails;
    const person = this.person(realEmail, personEmails, phones);
    const companyName = this.companyName();
    const organization = this.organization(companyName);
    const lead = this.lead(person.name, realEmail, companyName);

    if (this.problems.length > 0) return { kind: 'invalid', problems: this.problems };
    if (email === null) {
      const note =
        this.sync.emaillessPolicy === 'placeholder'
          ? NOTE_NO_PLACEHOLDER_SOURCE
          : sawInvalidEmail
            ? NOTE_WAITING_FOR_VALID_EMAIL
            : NOTE_WAITING_FOR_EMAIL;
      return { kind: 'skip', reason: 'no_email', note };
    }
    const phone = phones.map(toE164).find((p) => p !== null) ?? null;
    return {
      kind: 'sync',
      identity: { email, emailIsPlaceholder, phone },
      person,
      organization,
      lead,
      ...(this.notes.length > 0 ? { notes: this.notes } : {}),
    };
  }

  /** Valid emails, lower-cased and de-duplicated, in source order (the first one is the matching email). */
  private emails(): { emails: string[]; sawInvalidEmail: boolean } {
    const raw = this.read('person', 'emails');
    const items = Array.isArray(raw) ? raw : [raw];
    const emails: string[] = [];
    let sawInvalidEmail = false;
    for (const item of items) {
      const inspected = inspectEmail(item);
      if (inspected.status === 'invalid') sawInvalidEmail = true;
      if (inspected.email !== null && !emails.includes(inspected.email)) emails.push(inspected.email);
    }
    return { emails, sawInvalidEmail };
  }

  private phones(): string[] {
    const raw = this.read('person', 'contact_numbers');
    const phones: string[] = [];
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      const phone = normalizePhone(item);
      if (phone !== null && !phones.includes(phone)) phones.push(phone);
    }
    return phones;
  }

  private person(realEmail: string | null, emails: string[], phones: string[]): DesiredPerson {
    const name =
      this.line('person', 'name') ||
      (realEmail ? truncateChars(singleLine(emailLocalPart(realEmail))) : '') ||
      `Chatwoot contact #${this.contact.id}`;
    return {
      name,
      emails: emails.map((value) => ({ value, label: 'work' })),
      contact_numbers: phones.map((value) => ({ value: truncateChars(value), label: 'work' })),
      job_title: this.line('person', 'job_title') || null,
      attributes: this.customAttributes('person'),
    };
  }

  /** The contact's company, whether or not organizations are synced (lead titles use it too). */
  private companyName(): string | null {
    const raw = this.read('organization', 'name');
    const name = cleanOrganizationName(raw);
    if (name === null && !isBlank(raw)) this.expectedText('organization', 'name');
    return name;
  }

  private organization(name: string | null): DesiredOrganization | null {
    if (!this.sync.syncOrganizations || name === null) return null;
    const attributes = this.customAttributes('organization');
    if (this.isMapped('organization', 'address')) {
      const raw = this.read('organization', 'address');
      if (!isBlank(raw)) {
        const address = coerceAddress(raw, false);
        if (address.ok) attributes.address = address.value;
        else this.problem('organization', 'address', address.message);
      }
    }
    return { name, nameKey: organizationNameKey(name), attributes };
  }

  private lead(personName: string, realEmail: string | null, company: string | null): DesiredLead | null {
    if (this.sync.leadPolicy === 'never') return null;
    const title =
      this.line('lead', 'title') ||
      renderTitle(this.sync.lead.titleTemplate, {
        name: personName,
        email: realEmail,
        company,
        contact_id: this.contact.id,
      });
    return {
      title,
      description: this.description(),
      value: this.leadValue(),
      attributes: this.customAttributes('lead'),
    };
  }

  private description(): string | null {
    if (!this.isMapped('lead', 'description')) return null;
    const raw = this.read('lead', 'description');
    if (isBlank(raw)) return null;
    const text = scalarText(raw);
    if (text === null) {
      this.expectedText('lead', 'description');
      return null;
    }
    return truncateUtf8(multiLine(text), TEXT_MAX_BYTES) || null;
  }

  private leadValue(): number {
    const fallback = this.sync.lead.value;
    if (!this.isMapped('lead', 'lead_value')) return fallback;
    const raw = this.read('lead', 'lead_value');
    if (isBlank(raw)) return fallback;
    const price = coercePrice(raw);
    if (!price.ok) {
      this.problem('lead', 'lead_value', price.message);
      return fallback;
    }
    return price.value as number;
  }

  private customAttributes(section: MapSection): Record<string, unknown> {
    return mapCustomAttributes(this.contact, section, this.sync.fieldMap, this.catalog, this.coerceOpts, this.problems);
  }

  /**
   * A single-line standard text field truncated to varchar(255); '' when absent. Default sources
   * holding a non-text value are passed over (the next default is tried).
   */
  private line(section: MapSection, code: string): string {
    for (const path of this.sources[section][code] ?? []) {
      const raw = readChatwootPath(this.contact, path);
      if (isBlank(raw)) continue;
      const text = scalarText(raw);
      if (text === null) {
        this.expectedText(section, code);
        continue;
      }
      const line = truncateChars(singleLine(text));
      if (line !== '') return line;
    }
    return '';
  }

  private read(section: MapSection, code: string): unknown {
    return readFirst(this.contact, this.sources[section][code] ?? []);
  }

  private isMapped(section: MapSection, code: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.sync.fieldMap[section], code);
  }

  /** Objects/lists where text is needed: a problem when the field map chose the path, else just absent. */
  private expectedText(section: MapSection, code: string): void {
    if (this.isMapped(section, code)) this.problem(section, code, 'expected a text value');
  }

  private problem(section: MapSection, code: string, message: string): void {
    this.problems.push({ field: fieldName(section, code), message });
  }
}
