import type { ScopeDefinition } from '../../../scopes/scope-registry.js';
import { hasTranslation } from '../../i18n/index.js';
import { html, type Html } from '../html.js';
import { csrfField, formError, layout, type Page, type PageContext } from '../layout.js';

/** The fields of the token form, as strings, exactly as the user typed them. */
export interface TokenFormValues {
  name: string;
  description: string;
  expiry: string;
  expiresOn: string;
  scopes: string[];
  allowlist: string;
}

export const EXPIRY_DAY_CHOICES = [7, 30, 60, 90] as const;

export interface TokenFormView {
  mode: 'create' | 'edit';
  title: string;
  action: string;
  cancelHref: string;
  values: TokenFormValues;
  scopes: ScopeDefinition[];
  /** 0 = tokens may live forever. */
  maxLifetimeDays: number;
  error?: string;
  section?: Page['section'];
  /** Show name/description/allowlist (impersonation tokens use the same form). */
  intro?: Html;
  /** Level of the scope-group headings: 2 on the form's own page, 3 where the form sits under an h2. */
  groupHeadingLevel?: 2 | 3;
}

/** New / edit token: name, description, expiry (create only), scopes grouped, IP allowlist. */
export function tokenFormPage(ctx: PageContext, view: TokenFormView): string {
  return layout(ctx, {
    title: view.title,
    section: view.section ?? 'tokens',
    body: html`<h1>${view.title}</h1>${view.intro ?? ''}${tokenForm(ctx, view)}`,
  });
}

/** The form alone, for pages that embed it. */
export function tokenForm(ctx: PageContext, view: TokenFormView): Html {
  const { t } = ctx;
  const v = view.values;
  const describedBy = view.error ? html` aria-describedby="form-error"` : '';
  return html`${formError(ctx, view.error)}
<form method="post" action="${view.action}" class="stack token-form"${describedBy}>
  ${csrfField(ctx)}
  <label for="name">${t('form.name')}</label>
  <input id="name" name="name" required maxlength="100" value="${v.name}" aria-describedby="name-hint">
  <small id="name-hint">${t('form.name_hint')}</small>
  <label for="description">${t('form.description')}</label>
  <textarea id="description" name="description" rows="2" maxlength="1000">${v.description}</textarea>
  ${view.mode === 'create' ? expiryFieldset(ctx, v, view.maxLifetimeDays) : ''}
  ${scopeFieldset(ctx, view.scopes, v.scopes, view.groupHeadingLevel ?? 2)}
  <label for="allowlist">${t('form.allowlist')}</label>
  <textarea id="allowlist" name="allowlist" rows="3" aria-describedby="allowlist-hint" spellcheck="false">${v.allowlist}</textarea>
  <small id="allowlist-hint">${t('form.allowlist_hint')}</small>
  <div class="actions">
    <button type="submit" class="primary">${view.mode === 'create' ? t('form.create') : t('form.save')}</button>
    <a href="${view.cancelHref}">${t('form.cancel')}</a>
  </div>
</form>`;
}

/** 7/30/60/90 days, a custom date, or none — options beyond the operator's cap are left out. */
export function expiryFieldset(ctx: PageContext, v: Pick<TokenFormValues, 'expiry' | 'expiresOn'>, maxLifetimeDays: number): Html {
  const { t } = ctx;
  const capped = maxLifetimeDays > 0;
  const choices: { value: string; label: string }[] = [
    ...EXPIRY_DAY_CHOICES.filter((d) => !capped || d <= maxLifetimeDays).map((d) => ({ value: String(d), label: t('form.expiry_days', { days: d }) })),
    { value: 'custom', label: t('form.expiry_custom') },
    ...(capped ? [] : [{ value: 'none', label: t('form.expiry_none') }]),
  ];
  return html`<fieldset class="expiry">
  <legend>${t('form.expiry')}</legend>
  ${capped ? html`<small>${t('form.expiry_cap', { days: maxLifetimeDays })}</small>` : ''}
  <div class="choices">
  ${choices.map((c) => html`<label class="choice"><input type="radio" name="expiry" value="${c.value}"${v.expiry === c.value ? html` checked` : ''}> ${c.label}</label>`)}
  </div>
  <label for="expires_on">${t('form.expiry_date')}</label>
  <input id="expires_on" name="expires_on" type="date" value="${v.expiresOn}">
</fieldset>`;
}

/** Scopes as checkboxes, grouped by their family (`project`, `project:*`, …), each with its description. */
export function scopeFieldset(ctx: PageContext, scopes: ScopeDefinition[], checked: string[], headingLevel: 2 | 3 = 2): Html {
  const { t, lang } = ctx;
  const groups = new Map<string, ScopeDefinition[]>();
  for (const scope of scopes) {
    const family = scope.name.split(':')[0]!;
    groups.set(family, [...(groups.get(family) ?? []), scope]);
  }
  return html`<fieldset class="scopes">
  <legend>${t('form.scopes')}</legend>
  <small>${t('form.scopes_hint')}</small>
  ${[...groups.entries()].map(([family, members]) => {
    // Built-in families have a heading in each language; an operator's own (SCOPES_FILE) show their name.
    const key = `scope_group.${family}`;
    const heading = hasTranslation(key) ? t(key) : family;
    return html`<div class="scope-group" role="group" aria-labelledby="scope-group-${family}">
    ${headingLevel === 2
      ? html`<h2 class="group-title" id="scope-group-${family}">${heading}</h2>`
      : html`<h3 class="group-title" id="scope-group-${family}">${heading}</h3>`}
    ${members.map((s) => {
      const id = `scope-${s.name.replace(/[^a-z0-9]/g, '-')}`;
      return html`<div class="scope-choice">
      <input type="checkbox" id="${id}" name="scopes" value="${s.name}"${checked.includes(s.name) ? html` checked` : ''} aria-describedby="${id}-desc">
      <label for="${id}"><code>${s.name}</code> <span class="access">${t(`form.access.${s.access}`)}</span></label>
      <small id="${id}-desc">${s.description[lang]}${s.implies?.length ? html` <span class="implies">${t('form.implies', { scopes: s.implies.join(', ') })}</span>` : ''}</small>
    </div>`;
    })}
  </div>`;
  })}
</fieldset>`;
}
