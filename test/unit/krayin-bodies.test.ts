import type { PersonInput } from '../../src/krayin/api';
import { activityBody, leadBody, organizationBody, personBody, productsBody } from '../../src/krayin/bodies';
import { KrayinValidationError } from '../../src/krayin/errors';

const person: PersonInput = {
  name: 'Jane Doe',
  emails: [{ value: 'jane@example.com', label: 'work' }],
  contact_numbers: [{ value: '+31612345678', label: 'work' }],
};

describe('personBody', () => {
  it('sends the placeholder phone Krayin needs when there is no phone', () => {
    const body = personBody({ ...person, contact_numbers: [] });
    expect(body.contact_numbers).toEqual([{ value: '', label: 'work' }]);
  });

  it('keeps real phones and drops blank rows (index 0 must not be empty)', () => {
    const body = personBody({ ...person, contact_numbers: [{ value: '', label: 'home' }, person.contact_numbers[0]!] });
    expect(body.contact_numbers).toEqual([{ value: '+31612345678', label: 'work' }]);
  });

  it('omits contact_numbers for a person nested in a lead create (Krayin does not need it there)', () => {
    expect(personBody({ ...person, contact_numbers: [] }, 'nested')).not.toHaveProperty('contact_numbers');
  });

  it('truncates name and job_title to 255 characters', () => {
    const body = personBody({ ...person, name: 'n'.repeat(300), job_title: 'j'.repeat(300) });
    expect(body.name).toBe('n'.repeat(255));
    expect(body.job_title).toBe('j'.repeat(255));
  });

  it('sends custom attributes as top-level keys, but never lets them overwrite standard fields', () => {
    const body = personBody({ ...person, attributes: { cw_contact_id: 42, name: 'evil', emails: [] } });
    expect(body.cw_contact_id).toBe(42);
    expect(body.name).toBe('Jane Doe');
    expect(body.emails).toEqual(person.emails);
  });

  it('only sends organization_id and user_id when given (null clears on purpose)', () => {
    expect(personBody(person)).not.toHaveProperty('organization_id');
    expect(personBody(person)).not.toHaveProperty('user_id');
    expect(personBody({ ...person, organization_id: null, user_id: 3 })).toMatchObject({
      organization_id: null,
      user_id: 3,
    });
  });

  it('fills a missing label (Krayin requires one)', () => {
    expect(personBody({ ...person, emails: [{ value: 'a@b.co', label: '' }] }).emails).toEqual([
      { value: 'a@b.co', label: 'work' },
    ]);
  });
});

describe('organizationBody', () => {
  it('truncates the name and keeps the address', () => {
    const body = organizationBody({ name: 'o'.repeat(256), address: { city: 'Springfield' } });
    expect(body).toEqual({ name: 'o'.repeat(255), address: { city: 'Springfield' } });
  });
});

describe('leadBody', () => {
  it('always carries lead_pipeline_stage_id and truncates title and description', () => {
    const body = leadBody({ title: 't'.repeat(300), description: '€'.repeat(30_000), lead_pipeline_stage_id: 2 });
    expect(body.lead_pipeline_stage_id).toBe(2);
    expect(body.title).toBe('t'.repeat(255));
    expect(Buffer.byteLength(body.description as string)).toBeLessThanOrEqual(65_535);
  });

  it('omits an empty title: Krayin rejects an empty one (422) and keeps its own when omitted', () => {
    expect(leadBody({ title: '', lead_pipeline_stage_id: 1 })).not.toHaveProperty('title');
    expect(leadBody({ title: '  ', lead_pipeline_stage_id: 1 })).not.toHaveProperty('title');
  });

  it('omits expected_close_date when null (omission is how Krayin clears it)', () => {
    expect(leadBody({ title: 'x', lead_pipeline_stage_id: 1, expected_close_date: null })).not.toHaveProperty(
      'expected_close_date',
    );
    expect(leadBody({ title: 'x', lead_pipeline_stage_id: 1, expected_close_date: '2030-01-15' })).toMatchObject({
      expected_close_date: '2030-01-15',
    });
  });

  it('resends product rows keyed by their lead-product id', () => {
    const products = [
      { id: 7, quantity: 2, price: '10.0000', amount: '20.0000', product: { id: 3, name: 'Widget' } },
      { id: 8, quantity: 1, price: 5, amount: 5, product: null },
    ];
    expect(productsBody(products)).toEqual({
      '7': { product_id: 3, name: 'Widget', price: '10.0000', quantity: 2, amount: '20.0000' },
    });
    expect(leadBody({ title: 'x', lead_pipeline_stage_id: 1 }, { products: [] })).not.toHaveProperty('products');
  });
});

describe('activityBody', () => {
  it('sends schedules as wall time in the Krayin timezone', () => {
    const body = activityBody(
      'POST /activities',
      {
        type: 'call',
        schedule_from: new Date('2030-02-01T04:30:00Z'),
        schedule_to: new Date('2030-02-01T05:00:00Z'),
      },
      'Asia/Kolkata',
    );
    expect(body).toEqual({ type: 'call', schedule_from: '2030-02-01 10:00:00', schedule_to: '2030-02-01 10:30:00' });
  });

  it('sends additional as a JSON string (Krayin 2.1.2 refuses an object on create with a 500)', () => {
    const marker = { chatwoot: { conversation: 87, account: 1 } };
    expect(activityBody('POST /activities', { type: 'note', additional: marker }, 'UTC').additional).toBe(
      '{"chatwoot":{"conversation":87,"account":1}}',
    );
    expect(activityBody('PUT /activities/{id}', { additional: null }, 'UTC')).toEqual({ additional: null });
  });

  it('is partial: only given keys are sent', () => {
    expect(activityBody('PUT /activities/{id}', { is_done: 1 }, 'UTC')).toEqual({ is_done: 1 });
  });

  it('truncates title/location by characters and comment by bytes', () => {
    const body = activityBody(
      'POST /activities',
      { type: 'note', title: 'a'.repeat(300), location: 'l'.repeat(300), comment: '😀'.repeat(20_000) },
      'UTC',
    );
    expect(body.title).toBe('a'.repeat(255));
    expect(body.location).toBe('l'.repeat(255));
    expect(Buffer.byteLength(body.comment as string)).toBe(65_532);
  });

  it('rejects an invalid date before sending anything', () => {
    expect(() => activityBody('POST /activities', { type: 'call', schedule_from: new Date('x') }, 'UTC')).toThrow(
      KrayinValidationError,
    );
  });
});
