// Package store seals what the wizard collects into an age-encrypted
// bundle for UCX Suite, opens such bundles on the UCX side, and keeps the
// wizard's progress in encrypted drafts so no approval is lost.
//
// Sealing a bundle, in order:
//
//  1. Choose the protection: NewRecipientProtection with the UCX side's
//     public keys (age1..., ssh-ed25519, ssh-rsa; ParseRecipientsFile reads
//     a file of them), or NewPassphraseProtection. The zero Protection is
//     refused, and recipients and a passphrase cannot be mixed.
//  2. WriteBundle(path, bundle, protection) writes the bundle atomically
//     (0600, never overwriting) and a receipt without secrets beside it.
//     The wizard uses WriteBundleRecorded, whose record (Drafts.Record)
//     keeps the sealed bundle (a Completion, from SealBundle) in the draft
//     before it is written: a run killed at any moment then leaves a draft
//     that the next start finishes (Completion.Publish writes what is
//     missing, byte for byte, and never a second bundle).
//
// Opening a bundle: ParseIdentityFile (age identity or unencrypted SSH
// private key) or PassphraseIdentity, then OpenBundle. Every failure wraps
// one of the sentinel errors (ErrNoIdentityMatch, ErrTampered,
// ErrTruncated, ErrNotAge, ErrUnknownFormat, ...): pick the user's remedy
// with errors.Is. The plaintext JSON is documented in docs/bundle.md.
//
// Drafts: OpenDrafts(stateDir, nil) (DefaultStateDir gives the default;
// it refuses a folder of another user and cleans up what killed runs
// left), then NewID for a new draft, Save after every authorization, List
// and Load to resume, Record (through WriteBundleRecorded) for the bundle,
// then Remove. List finishes the bundle of a draft killed while completing
// (DraftInfo.Finished). A draft keeps what the wizard noted of each
// approver per app (Draft.Approvals); drafts of format versions 1 and 2
// still load, and are read (drafts, key files) with a limit from their
// size. A draft is held by one Drafts at a
// time (an OS file lock, released when the process exits): others see
// ErrDraftInUse. Each draft is age-encrypted to its own key, kept in the
// OS keyring or, where there is none, in a 0600 file in the state
// directory (docs/security.md). RemoveStaleTemps cleans an output folder.
//
// Secrets: tokens travel in Secret, which never renders. Only the bundle
// and draft writers call Reveal, to build the plaintext they encrypt at
// once; identities returned by this package never print their key.
// Errors are one line, start with "store:", and never contain a secret.
//
// Input files: open every file read on the user's behalf with OpenRegular
// (ParseIdentityFile and ParseRecipientsFile do), which refuses named
// pipes, devices and directories (ErrNotRegular) without blocking, then
// bound the read.
package store
