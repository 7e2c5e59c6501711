import { html, type Html } from '../html.js';
import type { PageContext } from '../layout.js';

/** A read-only value with a copy button (the button appears only with JavaScript). */
export function secretField(ctx: PageContext, id: string, label: string, value: string): Html {
  const { t } = ctx;
  return html`<div class="secret">
  <label for="${id}">${label}</label>
  <div class="secret-row">
    <input id="${id}" class="token-value" readonly value="${value}" spellcheck="false" autocomplete="off">
    <button type="button" class="copy" data-copy-target="${id}" data-copied-label="${t('created.copied')}" aria-label="${t('created.copy')}: ${label}" hidden>${t('created.copy')}</button>
  </div>
  <span class="copy-status" role="status" aria-live="polite"></span>
</div>`;
}
