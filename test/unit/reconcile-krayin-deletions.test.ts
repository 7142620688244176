import { pageWindow, suspectIds } from '../../src/reconcile/krayin-deletions';

describe('Krayin-side deletion check: id windows', () => {
  it('a page covers ids up to its highest one; the last page covers everything above', () => {
    expect(pageWindow(0, [3, 5, 9], false)).toEqual({ upTo: 9, maxId: 9 });
    expect(pageWindow(9, [12, 20], true)).toEqual({ upTo: null, maxId: 20 });
  });
  it('an empty last page still covers everything above the previous pages', () => {
    expect(pageWindow(20, [], true)).toEqual({ upTo: null, maxId: 20 });
  });
  it('suspects are the linked ids of the window that the page did not list', () => {
    expect(suspectIds([3, 4, 9], [3, 5, 9])).toEqual([4]);
    expect(suspectIds([], [3])).toEqual([]);
    expect(suspectIds([21, 30], [])).toEqual([21, 30]);
  });
});
