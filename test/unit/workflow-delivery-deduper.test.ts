import { DeliveryDeduper } from '../../workflows/delivery-deduper';

describe('DeliveryDeduper', () => {
  it('accepts a delivery id once', () => {
    const d = new DeliveryDeduper([]);
    expect(d.add('a')).toBe(true);
    expect(d.add('a')).toBe(false);
    expect(d.add('b')).toBe(true);
  });

  it('remembers what it was given (carried across continue-as-new)', () => {
    const d = new DeliveryDeduper(['x', 'y']);
    expect(d.add('x')).toBe(false);
    expect(d.toArray()).toEqual(['x', 'y']);
  });

  it('is bounded: the oldest id is forgotten first', () => {
    const d = new DeliveryDeduper([], 3);
    for (const id of ['1', '2', '3', '4']) d.add(id);
    expect(d.toArray()).toEqual(['2', '3', '4']);
    expect(d.add('1')).toBe(true);
    expect(new DeliveryDeduper(['1', '2', '3', '4', '5'], 2).toArray()).toEqual(['4', '5']);
  });
});
