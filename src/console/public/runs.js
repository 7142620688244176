// The "Imports and repairs" page: the list of runs refreshes itself every 2 s (htmx). While the keyboard
// focus is inside it (on a "Cancel" button or a link), the refresh waits, so the focused element is not
// replaced under the user; it resumes when the focus leaves the list.
document.addEventListener('htmx:beforeRequest', function (event) {
  var target = event.detail && event.detail.elt;
  if (!target || target.id !== 'runs') return;
  var active = document.activeElement;
  if (active && active !== document.body && target.contains(active)) event.preventDefault();
});
