/**
 * The hidden fields of a form oidc-provider hands to a page hook, for a page that draws the
 * form's visible fields itself.
 *
 * `userCodeInputSource(ctx, form, out, err)` gets the provider's whole code-entry form
 * (`<form id="op.deviceInputForm">`): its hidden xsrf field, the state its POST checks, and its
 * own text field for the code (English placeholder, no label, an inline onfocus script the pages'
 * CSP refuses). Tessera's page has its own labelled, translated code field, and cannot also embed
 * the provider's (two `user_code` fields are refused as a duplicate parameter), so it carries the
 * provider's hidden fields into its own form instead of reading the secret from the session.
 *
 * Internal: this reads the markup of the provider's form (lib/helpers/user_code_form.js), whose
 * hidden inputs are written `<input type="hidden" name="…" value="…"/>`, values already escaped.
 * test/oidc/provider-forms.test.ts pins it against the provider's real page, so an upgrade that
 * changes the markup fails there (and in every device-flow suite) rather than in a browser.
 */
export function hiddenFields(form: string): string {
  return (form.match(HIDDEN_INPUT) ?? []).join('\n');
}

const HIDDEN_INPUT = /<input\b[^<>]*\btype="hidden"[^<>]*>/g;
