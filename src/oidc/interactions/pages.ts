/**
 * The authorization server's pages: sign-in, consent, device code entry/confirmation, device
 * success, sign-out and errors. Plain, escaped, accessible HTML behind one small function per
 * page, so the web UI can restyle them by swapping these functions.
 */

export type Lang = 'en' | 'zh';

const STRINGS = {
  en: {
    signIn: 'Sign in',
    signInTo: (app: string) => `Sign in to continue to ${app}`,
    username: 'Username',
    password: 'Password',
    cancel: 'Cancel',
    authorize: 'Authorize',
    authorizeApp: (app: string) => `Authorize ${app}`,
    wantsAccess: (app: string, user: string) => `${app} wants to access your Tessera account ${user}. It asks to:`,
    noScopes: 'It asks for no permissions beyond knowing that you signed in.',
    homepage: 'Homepage',
    enterCode: 'Enter the code shown on your device',
    code: 'Code',
    continue: 'Continue',
    confirmDevice: 'Confirm the device',
    confirmCode: (app: string) => `${app} is asking for access. Check that this code is the one shown on your device:`,
    abort: 'Abort',
    deviceDone: 'Device connected',
    deviceDoneText: (app: string) => `You signed in to ${app}. You can close this page and return to your device.`,
    signOut: 'Sign out',
    signOutQuestion: 'Do you want to sign out of Tessera?',
    stay: 'Stay signed in',
    signedOut: 'You are signed out.',
    error: 'Something went wrong',
  },
  zh: {
    signIn: '登录',
    signInTo: (app: string) => `登录以继续使用 ${app}`,
    username: '用户名',
    password: '密码',
    cancel: '取消',
    authorize: '授权',
    authorizeApp: (app: string) => `授权 ${app}`,
    wantsAccess: (app: string, user: string) => `${app} 请求访问你的 Tessera 账号 ${user}，申请以下权限：`,
    noScopes: '除了知道你已登录外，它不申请任何权限。',
    homepage: '主页',
    enterCode: '输入设备上显示的代码',
    code: '代码',
    continue: '继续',
    confirmDevice: '确认设备',
    confirmCode: (app: string) => `${app} 正在请求访问。请确认此代码与设备上显示的一致：`,
    abort: '中止',
    deviceDone: '设备已连接',
    deviceDoneText: (app: string) => `你已登录 ${app}。可以关闭此页面并返回设备。`,
    signOut: '退出登录',
    signOutQuestion: '要退出 Tessera 吗？',
    stay: '保持登录',
    signedOut: '你已退出登录。',
    error: '出错了',
  },
} satisfies Record<Lang, Record<string, unknown>>;

/**
 * Headers for every one of these pages: never cached (they carry CSRF tokens and user data),
 * never framed (a framed consent page invites clickjacking).
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
};

/** Picks zh when the browser prefers Chinese, else English. */
export function pickLang(acceptLanguage: string | undefined): Lang {
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh' : 'en';
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(lang: Lang, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Tessera</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;line-height:1.5}label{display:block;margin-top:1rem;font-weight:600}input[type=text],input[type=password]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}button{margin-top:1rem;margin-right:.5rem;padding:.5rem 1rem;font-size:1rem}.error{color:#b00020}.code{font-family:monospace;font-size:1.5rem}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function errorBlock(message: string | undefined): string {
  return message ? `<p class="error" role="alert" id="form-error">${escapeHtml(message)}</p>` : '';
}

export interface LoginPageData {
  lang: Lang;
  action: string;
  csrfToken: string;
  clientName: string;
  username?: string;
  error?: string;
}

export function renderLogin(d: LoginPageData): string {
  const t = STRINGS[d.lang];
  const described = d.error ? ' aria-describedby="form-error"' : '';
  return layout(
    d.lang,
    t.signIn,
    `<h1>${escapeHtml(t.signIn)}</h1>
<p>${escapeHtml(t.signInTo(d.clientName))}</p>
${errorBlock(d.error)}
<form method="post" action="${escapeHtml(d.action)}" autocomplete="on">
<input type="hidden" name="csrf_token" value="${escapeHtml(d.csrfToken)}">
<label for="username">${escapeHtml(t.username)}</label>
<input type="text" id="username" name="username" value="${escapeHtml(d.username ?? '')}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus${described}>
<label for="password">${escapeHtml(t.password)}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${described}>
<button type="submit" name="action" value="login">${escapeHtml(t.signIn)}</button>
<button type="submit" name="action" value="abort" formnovalidate>${escapeHtml(t.cancel)}</button>
</form>`,
  );
}

export interface ConsentPageData {
  lang: Lang;
  action: string;
  csrfToken: string;
  clientName: string;
  homepageUrl?: string;
  username: string;
  /** Each requested scope with its description in the page's language. */
  scopes: { name: string; description: string }[];
}

export function renderConsent(d: ConsentPageData): string {
  const t = STRINGS[d.lang];
  const list = d.scopes.length
    ? `<ul>${d.scopes.map((s) => `<li><strong>${escapeHtml(s.name)}</strong>: ${escapeHtml(s.description)}</li>`).join('')}</ul>`
    : `<p>${escapeHtml(t.noScopes)}</p>`;
  const homepage = d.homepageUrl ? `<p>${escapeHtml(t.homepage)}: <a href="${escapeHtml(d.homepageUrl)}" rel="noopener noreferrer">${escapeHtml(d.homepageUrl)}</a></p>` : '';
  return layout(
    d.lang,
    t.authorizeApp(d.clientName),
    `<h1>${escapeHtml(t.authorizeApp(d.clientName))}</h1>
<p>${escapeHtml(t.wantsAccess(d.clientName, d.username))}</p>
${list}
${homepage}
<form method="post" action="${escapeHtml(d.action)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(d.csrfToken)}">
<button type="submit" name="action" value="confirm">${escapeHtml(t.authorize)}</button>
<button type="submit" name="action" value="abort">${escapeHtml(t.cancel)}</button>
</form>`,
  );
}

export interface DeviceInputPageData {
  lang: Lang;
  action: string;
  xsrf: string;
  userCode?: string;
  error?: string;
}

export function renderDeviceInput(d: DeviceInputPageData): string {
  const t = STRINGS[d.lang];
  const described = d.error ? ' aria-describedby="form-error"' : '';
  return layout(
    d.lang,
    t.enterCode,
    `<h1>${escapeHtml(t.enterCode)}</h1>
${errorBlock(d.error)}
<form method="post" action="${escapeHtml(d.action)}">
<input type="hidden" name="xsrf" value="${escapeHtml(d.xsrf)}">
<label for="user_code">${escapeHtml(t.code)}</label>
<input type="text" id="user_code" name="user_code" value="${escapeHtml(d.userCode ?? '')}" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus${described}>
<button type="submit">${escapeHtml(t.continue)}</button>
</form>`,
  );
}

export interface DeviceConfirmPageData {
  lang: Lang;
  action: string;
  xsrf: string;
  userCode: string;
  clientName: string;
}

export function renderDeviceConfirm(d: DeviceConfirmPageData): string {
  const t = STRINGS[d.lang];
  return layout(
    d.lang,
    t.confirmDevice,
    `<h1>${escapeHtml(t.confirmDevice)}</h1>
<p>${escapeHtml(t.confirmCode(d.clientName))}</p>
<p>${escapeHtml(t.code)}: <strong class="code">${escapeHtml(d.userCode)}</strong></p>
<form method="post" action="${escapeHtml(d.action)}">
<input type="hidden" name="xsrf" value="${escapeHtml(d.xsrf)}">
<input type="hidden" name="user_code" value="${escapeHtml(d.userCode)}">
<button type="submit" name="confirm" value="yes">${escapeHtml(t.continue)}</button>
<button type="submit" name="abort" value="yes">${escapeHtml(t.abort)}</button>
</form>`,
  );
}

export function renderDeviceSuccess(d: { lang: Lang; clientName: string }): string {
  const t = STRINGS[d.lang];
  return layout(d.lang, t.deviceDone, `<h1>${escapeHtml(t.deviceDone)}</h1>\n<p>${escapeHtml(t.deviceDoneText(d.clientName))}</p>`);
}

/** `form` is the provider's own hidden-field form (id op.logoutForm); the buttons submit it. */
export function renderLogout(d: { lang: Lang; form: string }): string {
  const t = STRINGS[d.lang];
  return layout(
    d.lang,
    t.signOut,
    `<h1>${escapeHtml(t.signOutQuestion)}</h1>
${d.form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>${escapeHtml(t.signOut)}</button>
<button type="submit" form="op.logoutForm">${escapeHtml(t.stay)}</button>`,
  );
}

export function renderLoggedOut(d: { lang: Lang }): string {
  const t = STRINGS[d.lang];
  return layout(d.lang, t.signOut, `<h1>${escapeHtml(t.signedOut)}</h1>`);
}

export interface ErrorPageData {
  lang: Lang;
  error: string;
  description?: string;
}

/** An OAuth error shown to a person (when it cannot be sent back to the app). */
export function renderError(d: ErrorPageData): string {
  const t = STRINGS[d.lang];
  return layout(
    d.lang,
    t.error,
    `<h1>${escapeHtml(t.error)}</h1>
<p role="alert"><code>${escapeHtml(d.error)}</code>${d.description ? `: ${escapeHtml(d.description)}` : ''}</p>`,
  );
}

/** The device page's message for a failed code entry. */
export function deviceInputError(lang: Lang, kind: 'wrong' | 'aborted' | 'other'): string {
  const messages = {
    en: { wrong: 'The code you entered is incorrect or has expired. Try again.', aborted: 'The sign-in request was cancelled.', other: 'There was an error processing your request.' },
    zh: { wrong: '你输入的代码不正确或已过期，请重试。', aborted: '登录请求已取消。', other: '处理请求时出错。' },
  };
  return messages[lang][kind];
}
