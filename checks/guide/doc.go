// Package guide turns a finding of the diagnosis engine into plain words: a
// headline, what it means and whose side it is on, numbered steps for the
// user's operating system, when to call IT, what to tell IT, and the fix IT
// makes on the gateway. The texts are data in assets/guide (JSON, one file per
// language plus findings.json for what is common to both), so people who do
// not write Go can edit them.
//
// # Languages
//
// Japanese (ja) and English (en). [Negotiate] picks one from locale strings
// such as LANGUAGE, LC_ALL, LC_MESSAGES and LANG; C, POSIX, unset and
// unsupported locales get English. [ParseLang] reads the --lang flag.
//
// # Placeholders
//
// A text may contain {key}, where key is an evidence key of the engine
// (checks.EvHost's value "host", "not_after", "issuer", ...). [For] replaces it
// with the finding's evidence. {host} and {port} are always available. A key
// the finding does not carry renders as a neutral word, "(unknown)" or
// 「（不明）」, never as braces.
//
// Some values are reworded for the reader rather than copied:
//
//   - not_after, not_before, revoked_at, local_time, true_time (RFC 3339) become
//     "23 Nov 2026 09:30" or 「2026年11月23日 09:30」 in the caller's time zone;
//   - clock_offset ("+2y3d", "-5m") becomes "2 years 3 days" or 「2年3日」
//     (the texts show local_time and true_time for the direction);
//   - role (leaf, intermediate, root) and step (dns, connect, tls, ...) become
//     words in the reader's language.
//
// Values come from the network (a hostile server chooses its certificate's
// subject), so control and bidirectional-formatting characters are replaced and
// long values are cut.
//
// # Optional evidence
//
// Some evidence is present only sometimes (aia_url: not every certificate says
// where its issuer can be fetched). findings.json lists such keys under
// "optional_evidence", and the texts may use them only inside a conditional:
//
//	{?aia_url: It can be downloaded from {aia_url}.}
//
// The part between the colon and the matching closing brace is kept, with its
// placeholders filled, when the finding has a non-empty value for the key, and
// dropped whole when it has not. The part is used exactly as written, spaces
// included, so put a separating space inside it. Conditionals do not nest. A
// list item (a step or an IT fix) that renders empty is left out.
//
// {!key:...} is the other way round: kept when the finding has no value for
// the key. The two together choose a word:
//
//	off by {?time_bound:at least}{!time_bound:about} {clock_offset}
//
// # Contract with the engine
//
// findings.json declares, per finding id, the evidence keys the engine
// promises ("evidence") and those it may add ("optional_evidence"). The tests
// read checks/model.go and fail when an id lacks text, when a text uses a key
// that is not an evidence key or not declared for its id, or when a declared
// key is never mentioned.
package guide
