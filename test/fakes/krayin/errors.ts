/**
 * Krayin's failures and how each APP_DEBUG mode renders them.
 *
 * Handlers throw a KrayinError shaped like the PHP exception the real server raises; `renderError`
 * turns it into the response of the selected mode:
 * - APP_DEBUG=true: Laravel's renderer (`message`, `exception`, `file`, `line`, `trace`; 422 and
 *   401 bodies without a trace).
 * - APP_DEBUG=false: Krayin 2.1.2's Admin handler (src/krayin/README.md §2): validation stays
 *   422, HttpException keeps 401/403/404/503 and everything else becomes a generic 500.
 */

const VENDOR = '/var/www/krayin/vendor';
const FOUNDATION_HANDLER = `${VENDOR}/laravel/framework/src/Illuminate/Foundation/Exceptions/Handler.php`;
const NOT_FOUND_HTTP = 'Symfony\\Component\\HttpKernel\\Exception\\NotFoundHttpException';

export const GENERIC_500 = 'admin::app.common.internal-server-error';
export const NOT_FOUND_KEY = 'admin::app.common.resource-not-found';
export const UNAUTHENTICATED_KEY = 'admin::app.common.unauthenticated';

export type ErrorKind = 'validation' | 'unauthenticated' | 'http' | 'php';

export class KrayinError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly status: number,
    message: string,
    readonly exceptionClass: string,
    readonly file: string,
    readonly line: number,
    /** Validation errors in Laravel's order (the first one becomes `message`). */
    readonly errors: Array<[string, string[]]> = [],
    /** Headers the exception carries (ThrottleRequestsException). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'KrayinError';
  }

  /** 422 ValidationException. `errors` keeps Laravel's rule order. */
  static validation(errors: Array<[string, string[]]>): KrayinError {
    const all = errors.flatMap(([, m]) => m);
    let message = all[0] ?? 'The given data was invalid.';
    const more = all.length - 1;
    if (more > 0) message += ` (and ${more} more ${more === 1 ? 'error' : 'errors'})`;
    return new KrayinError('validation', 422, message, 'Illuminate\\Validation\\ValidationException', '', 0, errors);
  }

  static unauthenticated(): KrayinError {
    return new KrayinError(
      'unauthenticated',
      401,
      UNAUTHENTICATED_KEY,
      'Illuminate\\Auth\\AuthenticationException',
      '',
      0,
    );
  }

  /** findOrFail/firstOrFail miss, rendered by Laravel as a NotFoundHttpException. */
  static modelNotFound(model: string, id?: unknown): KrayinError {
    const ids = id === undefined ? '.' : ` ${String(id)}`;
    return new KrayinError(
      'http',
      404,
      `No query results for model [${model}]${ids}`,
      NOT_FOUND_HTTP,
      FOUNDATION_HANDLER,
      487,
    );
  }

  static routeNotFound(path: string): KrayinError {
    return new KrayinError(
      'http',
      404,
      `The route ${path} could not be found.`,
      NOT_FOUND_HTTP,
      `${VENDOR}/laravel/framework/src/Illuminate/Routing/AbstractRouteCollection.php`,
      44,
    );
  }

  static methodNotAllowed(method: string, path: string, allowed: string[]): KrayinError {
    return new KrayinError(
      'http',
      405,
      `The ${method} method is not supported for route ${path}. Supported methods: ${allowed.join(', ')}.`,
      'Symfony\\Component\\HttpKernel\\Exception\\MethodNotAllowedHttpException',
      `${VENDOR}/laravel/framework/src/Illuminate/Routing/AbstractRouteCollection.php`,
      122,
    );
  }

  static throttled(headers: Record<string, string>): KrayinError {
    return new KrayinError(
      'http',
      429,
      'Too Many Attempts.',
      'Illuminate\\Http\\Exceptions\\ThrottleRequestsException',
      `${VENDOR}/laravel/framework/src/Illuminate/Routing/Middleware/ThrottleRequests.php`,
      232,
      [],
      headers,
    );
  }

  /** Any other HttpException (maintenance 503, an injected status). */
  static http(status: number, message: string): KrayinError {
    return new KrayinError(
      'http',
      status,
      message,
      'Symfony\\Component\\HttpKernel\\Exception\\HttpException',
      `${VENDOR}/laravel/framework/src/Illuminate/Foundation/Application.php`,
      1375,
    );
  }

  /** A PHP error (ErrorException, Error, TypeError, ...): always a 500. */
  static php(exceptionClass: string, message: string, file: string, line: number): KrayinError {
    return new KrayinError('php', 500, message, exceptionClass, file, line);
  }

  /** A database error; `sqlstate` is the text before " (Connection: ". */
  static query(sqlstate: string, sql: string): KrayinError {
    return new KrayinError(
      'php',
      500,
      `${sqlstate} (Connection: mysql, SQL: ${sql})`,
      'Illuminate\\Database\\QueryException',
      `${VENDOR}/laravel/framework/src/Illuminate/Database/Connection.php`,
      829,
    );
  }

  /** "Attempt to read property "id" on null": what a `find()` miss wrapped in a Resource gives. */
  static nullResource(): KrayinError {
    return KrayinError.php(
      'ErrorException',
      'Attempt to read property "id" on null',
      `${VENDOR}/laravel/framework/src/Illuminate/Http/Resources/DelegatesToResource.php`,
      139,
    );
  }
}

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  /** JSON body, or an HTML string when `html` is true. */
  body: unknown;
  html: boolean;
}

/** A few plausible frames: the content of `trace` is not part of the contract, only its type. */
function trace(e: KrayinError): unknown[] {
  return [
    { file: e.file || FOUNDATION_HANDLER, line: e.line || 1, function: 'handle', class: e.exceptionClass, type: '->' },
    {
      file: `${VENDOR}/laravel/framework/src/Illuminate/Pipeline/Pipeline.php`,
      line: 183,
      function: 'Illuminate\\Pipeline\\{closure}',
      class: 'Illuminate\\Pipeline\\Pipeline',
      type: '->',
    },
    {
      file: '/var/www/krayin/public/index.php',
      line: 51,
      function: 'handle',
      class: 'Illuminate\\Foundation\\Http\\Kernel',
      type: '->',
    },
  ];
}

function htmlPage(status: number, title: string): string {
  const esc = title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!-- ${esc} (${status}) -->\n<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="UTF-8" /><title>${esc}</title></head>\n<body><h1>${esc}</h1></body>\n</html>\n`;
}

/** The page Laravel's RedirectResponse sends along with its Location header. */
export function redirectPage(url: string): string {
  return `<!DOCTYPE html>\n<html>\n    <head>\n        <meta charset="UTF-8" />\n        <meta http-equiv="refresh" content="0;url='${url}'" />\n\n        <title>Redirecting to ${url}</title>\n    </head>\n    <body>\n        Redirecting to <a href="${url}">${url}</a>.\n    </body>\n</html>`;
}

/**
 * @param expectsJson Laravel's `expectsJson()`: without `Accept: application/json` auth failures
 *   try to redirect to a missing `login` route and validation failures redirect back.
 * @param origin APP_URL, where Laravel redirects when there is no previous URL.
 */
export function renderError(e: KrayinError, appDebug: boolean, expectsJson: boolean, origin: string): RenderedError {
  if (!expectsJson) return renderHtml(e, appDebug, origin);
  if (e.kind === 'validation') {
    return {
      status: 422,
      headers: {},
      body: { message: e.message, errors: Object.fromEntries(e.errors) },
      html: false,
    };
  }
  if (!appDebug) {
    if (e.kind === 'http' && [401, 403, 404, 503].includes(e.status)) {
      const messages: Record<number, string> = {
        401: UNAUTHENTICATED_KEY,
        403: 'admin::app.common.forbidden-error',
        404: NOT_FOUND_KEY,
      };
      return {
        status: e.status,
        headers: {},
        body: { message: messages[e.status] ?? 'admin::app.common.something-went-wrong' },
        html: false,
      };
    }
    return { status: 500, headers: {}, body: { message: GENERIC_500 }, html: false };
  }
  if (e.kind === 'unauthenticated') return { status: 401, headers: {}, body: { message: e.message }, html: false };
  return {
    status: e.status,
    headers: { ...e.headers },
    body: { message: e.message, exception: e.exceptionClass, file: e.file, line: e.line, trace: trace(e) },
    html: false,
  };
}

function renderHtml(e: KrayinError, appDebug: boolean, origin: string): RenderedError {
  if (e.kind === 'validation') {
    return { status: 302, headers: { Location: origin }, body: redirectPage(origin), html: true };
  }
  if (e.kind === 'unauthenticated') {
    return appDebug
      ? { status: 500, headers: {}, body: htmlPage(500, 'Route [login] not defined.'), html: true }
      : { status: 500, headers: {}, body: htmlPage(500, 'Server Error'), html: true };
  }
  if (appDebug) return { status: e.status, headers: { ...e.headers }, body: htmlPage(e.status, e.message), html: true };
  const status = e.kind === 'http' && [401, 403, 404, 503].includes(e.status) ? e.status : 500;
  return { status, headers: {}, body: htmlPage(status, status === 404 ? 'Not Found' : 'Server Error'), html: true };
}
