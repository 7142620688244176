import { decideRelink, deleteAction, mergeSurvivor, type LinkIds } from '../../src/reconcile/gone';

const links = (
  personId: number | null,
  leadId: number | null = null,
  organizationId: number | null = null,
): LinkIds => ({
  personId,
  leadId,
  organizationId,
});

describe('mergeSurvivor: which contact a gone one was merged into', () => {
  it('is the contact that now owns its conversation', () => {
    expect(mergeSurvivor(5, { conversationOwners: [9], samePersonContacts: [] })).toBe(9);
  });
  it('is the contact already linked to the same Krayin person', () => {
    expect(mergeSurvivor(5, { conversationOwners: [], samePersonContacts: [9] })).toBe(9);
  });
  it('agrees when both traces name the same contact, and ignores the gone contact itself', () => {
    expect(mergeSurvivor(5, { conversationOwners: [9, 5], samePersonContacts: [9] })).toBe(9);
  });
  it('guesses nothing without a trace or with two different candidates', () => {
    expect(mergeSurvivor(5, { conversationOwners: [], samePersonContacts: [] })).toBeNull();
    expect(mergeSurvivor(5, { conversationOwners: [9], samePersonContacts: [11] })).toBeNull();
  });
});

describe('decideRelink: moving a merged-away contact’s links', () => {
  it('has nothing to move when the gone contact linked no person', () => {
    expect(decideRelink(null, links(3))).toEqual({ kind: 'nothing' });
    expect(decideRelink(links(null), links(3))).toEqual({ kind: 'nothing' });
  });
  it('moves person, lead and organization to a survivor with no person yet (its own organization wins)', () => {
    expect(decideRelink(links(3, 7, 2), null)).toEqual({ kind: 'move', links: links(3, 7, 2) });
    expect(decideRelink(links(3, 7, 2), links(null, null, 4))).toEqual({ kind: 'move', links: links(3, 7, 4) });
  });
  it('drops the gone links when the survivor has the same person, filling only its gaps', () => {
    expect(decideRelink(links(3, 7, 2), links(3, null, null))).toEqual({
      kind: 'same_person',
      fill: { leadId: 7, organizationId: 2 },
    });
    expect(decideRelink(links(3, 7, 2), links(3, 8, 4))).toEqual({ kind: 'same_person', fill: {} });
  });
  it('never merges two Krayin persons: a conflict for the operator', () => {
    expect(decideRelink(links(3, 7), links(4))).toEqual({
      kind: 'conflict',
      goneLinks: links(3, 7),
      survivorPersonId: 4,
    });
  });
});

describe('deleteAction: ON_CHATWOOT_DELETE for a deleted contact', () => {
  const person = { exists: true, ours: true, leadCount: 0 };
  it('keep writes nothing', () => {
    expect(deleteAction('keep', links(3), person)).toEqual({ kind: 'none', why: 'keep' });
  });
  it('does nothing without a linked person that still exists', () => {
    expect(deleteAction('tag', links(null), person)).toEqual({ kind: 'none', why: 'not_linked' });
    expect(deleteAction('delete_person', links(3), { ...person, exists: false })).toEqual({
      kind: 'none',
      why: 'not_linked',
    });
  });
  it('never touches a person that is no longer ours', () => {
    expect(deleteAction('delete_person', links(3), { ...person, ours: false })).toEqual({
      kind: 'none',
      why: 'not_ours',
    });
    expect(deleteAction('tag', links(3), { ...person, ours: false })).toEqual({ kind: 'none', why: 'not_ours' });
  });
  it('tag tags the person and its lead', () => {
    expect(deleteAction('tag', links(3, 7), person)).toEqual({ kind: 'tag', personId: 3, leadId: 7 });
  });
  it('delete_person deletes a person no lead refers to', () => {
    expect(deleteAction('delete_person', links(3), person)).toEqual({ kind: 'delete_person', personId: 3 });
  });
  it('delete_person tags instead when leads refer to the person (Krayin would refuse, sales history stays)', () => {
    expect(deleteAction('delete_person', links(3, 7), { ...person, leadCount: 2 })).toEqual({
      kind: 'tag',
      personId: 3,
      leadId: 7,
      instead: 'has_leads',
    });
  });
});
