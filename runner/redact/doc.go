// Package redact keeps secrets out of what the runner records and says.
//
// In go the secret response fields a site names ([Parse] of "header:NAME"
// and "body:KEY.KEY" specs, giving [Redactions]) and the secret values a
// block's requests send ([Redactor.AddSecret], [Redactor.PlaceRequest],
// in every form an encoding may give them). Out come the same
// exchanges, strings and errors with each of them replaced by
// [Redacted]: [Redactor.Exchange] for a recorded exchange (its body
// searched decoded), [Redactor.String] and [Redactor.Text] for text,
// [Redactor.Error] for an error, whose type errors.As still finds.
// [Redactions.Mask] masks a site's volatile fields when outputs are
// compared.
//
// It works on the model of [github.com/snapdoc/snapdoc/runner/httpfile]
// and knows nothing of how requests are run.
package redact
