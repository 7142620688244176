import { mapAssigneeToOwner } from '../../src/rules/owner';

const users = [
  { id: 1, email: 'admin@acme.example', status: 1 },
  { id: 4, email: 'Max.Mustermann@Acme.example', status: 1 },
  { id: 5, email: 'left@acme.example', status: 0 },
  { id: 6, email: 'no-status@acme.example' },
];

describe('mapAssigneeToOwner', () => {
  it('matches the assignee email case-insensitively and trimmed', () => {
    expect(mapAssigneeToOwner('max.mustermann@acme.example', users, null)).toBe(4);
    expect(mapAssigneeToOwner('  MAX.MUSTERMANN@ACME.EXAMPLE ', users, 1)).toBe(4);
    expect(mapAssigneeToOwner('no-status@acme.example', users, null)).toBe(6);
  });

  it('falls back to the default owner without an assignee or a match', () => {
    expect(mapAssigneeToOwner(null, users, 1)).toBe(1);
    expect(mapAssigneeToOwner(undefined, users, 1)).toBe(1);
    expect(mapAssigneeToOwner('', users, 1)).toBe(1);
    expect(mapAssigneeToOwner('someone@else.example', users, 1)).toBe(1);
    expect(mapAssigneeToOwner('someone@else.example', users, null)).toBeNull();
  });

  it('never picks an inactive Krayin user', () => {
    expect(mapAssigneeToOwner('left@acme.example', users, 1)).toBe(1);
  });

  it('does not match substrings', () => {
    expect(mapAssigneeToOwner('max.mustermann@acme.example.org', users, null)).toBeNull();
    expect(mapAssigneeToOwner('ax.mustermann@acme.example', users, null)).toBeNull();
  });
});
