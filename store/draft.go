package store

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"filippo.io/age"
	"github.com/gofrs/flock"
)

// Draft is the wizard's progress, saved after every successful
// authorization so that a restart resumes without asking the customer's
// admin to approve again. It holds tokens (in Secrets) and is only ever
// written age-encrypted to its own draft key.
type Draft struct {
	ID           string // assigned by Drafts.Save; lowercase letters, digits, '-'
	Customer     Customer
	SelectedApps []string // app IDs the engineer chose
	SkippedApps  []string // app IDs skipped on purpose
	Apps         []AppGrant
	Org          Org
	// Approvals are the wizard's notes on the approvers of Apps, one per
	// app that has any (by AppID): the warnings its approver raised and
	// whether the engineer accepted them. An app of Apps without one was
	// approved without warnings, or its approver was never checked.
	Approvals []ApprovalNote
	// Completed is set once the draft's bundle is about to be written:
	// Drafts.Record saves the draft with it (the bundle's name, its
	// SHA-256 and its sealed bytes) before the bundle is written; the
	// wizard removes the draft after. A draft with Completed is "completed or
	// being completed": never resumed (it would write a second bundle
	// with the same tokens); Drafts.List finishes its bundle (see
	// Completion.Publish) and it can then only be discarded.
	Completed *Completion
	Created   time.Time // set by the first Save
	Updated   time.Time // set by every Save
}

// ApprovalNote is what the wizard noted about the approver of one
// authorized app of a draft.
type ApprovalNote struct {
	AppID string
	// Warnings are what is wrong with who approved (not a Full Admin,
	// another org...), worded without the app's name.
	Warnings []string
	// Undecided: the engineer has not accepted Warnings yet; on resume
	// the wizard asks again instead of taking them as accepted.
	Undecided bool
}

// Completion is the bundle a draft is completed with: made by
// SealBundle, recorded in the draft before the bundle is written
// (Drafts.Record), written by Publish. It holds no plaintext token: the
// bundle in Sealed is age-encrypted, and the draft that keeps it is
// encrypted again.
type Completion struct {
	// BundlePath is the bundle's path as the wizard named it (shown, and
	// in the Receipt); Path is the same made absolute when it was sealed,
	// where it is written and checked whatever folder the next start runs
	// in (empty in a draft of version 2: BundlePath is used).
	BundlePath string
	Path       string
	SHA256     string // hex SHA-256 of the bundle file
	// Sealed is the bundle file itself, so that a run killed while
	// writing it leaves what the next start writes again, byte for byte;
	// ReceiptText is the receipt file. Both are empty in a draft of
	// version 2, whose Completion was recorded after the bundle was
	// written.
	Sealed      []byte
	ReceiptText string
	// Recipients and Passphrase say how the bundle is protected (as in
	// Receipt).
	Recipients []string
	Passphrase bool
}

// DraftInfo summarizes a draft for a resume list, without any token.
type DraftInfo struct {
	ID       string
	Company  string
	AppsDone []string // names (else IDs) of the apps already authorized
	Updated  time.Time
	// Completed is set when the draft's bundle was written or is being
	// written (see Draft.Completed): the draft must not be resumed, only
	// discarded. List has then finished the bundle (Completion.Publish):
	// Finished says what that found and did.
	Completed *Completion
	Finished  *Finished
	// HeldBy is the process ID of the ucx-onboard that holds the draft
	// when Err wraps ErrDraftInUse (0 if unknown).
	HeldBy int
	// Err is non-nil when the draft cannot be resumed. If it wraps
	// ErrDraftInUse another ucx-onboard holds the draft (the message
	// names its process ID): it can be neither resumed nor discarded, and
	// the other fields but ID and Updated are empty. If it wraps
	// ErrDraftDamaged the file has been renamed aside (*.damaged), its key
	// deleted, and it no longer appears in List; if it wraps
	// ErrDraftKeyUnavailable (the keyring may be locked) or
	// ErrDraftUnsupported (a newer ucx-onboard made it) the file stays
	// where it is with its key. Remove discards any of these.
	Err error
}

// Finished is what Drafts.List found of the bundle of a completed draft,
// and did about it.
type Finished struct {
	Receipt Receipt // BundlePath set when the bundle on disk is the draft's
	Published
	// Err is nil when the bundle and its receipt are on disk, intact. It
	// wraps ErrBundleMismatch when another file has the bundle's name
	// (nothing was written), ErrBundleMissing when an older draft cannot
	// write what is missing, or is the error of a write that failed.
	Err error
}

// Drafts is a directory of encrypted drafts. Its methods are safe for
// concurrent use.
//
// A draft is held by one Drafts at a time, through an OS file lock
// (drafts/<id>.lock) that dies with the process: NewID, Save and Load
// take it, Remove and Close release it. A draft held elsewhere is listed
// with ErrDraftInUse and cannot be loaded, saved or removed.
type Drafts struct {
	dir  string // drafts live in dir/drafts
	keys KeyStore
	now  func() time.Time
	mu   sync.Mutex
	// keyCache holds the keys this Drafts has used, so a keyring that
	// locks mid-session does not stop the wizard from saving or resuming.
	keyCache map[string]*age.X25519Identity
	// locks are the drafts this Drafts holds.
	locks map[string]*flock.Flock
	// known: drafts this Drafts saved or loaded, which must still exist
	// when saved again; removed: drafts it removed, never saved again.
	known, removed map[string]bool
	// completing are the completions recorded by Complete, by draft ID:
	// every later Save of the draft keeps its completion.
	completing map[string]*Completion
}

// String and GoString describe Drafts without its key store.
func (d *Drafts) String() string   { return "store.Drafts(" + d.dir + ")" }
func (d *Drafts) GoString() string { return d.String() }

// DefaultStateDir returns the default state directory,
// os.UserConfigDir()/ucx-onboard (e.g. ~/.config/ucx-onboard).
func DefaultStateDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("store: no user config directory (set --state-dir): %v", err)
	}
	return filepath.Join(base, "ucx-onboard"), nil
}

// OpenDrafts opens (creating it with mode 0700) the state directory dir.
// keys nil means NewKeyStore(dir): the OS keyring, else 0600 files in
// dir/keys. A dir that is a symbolic link (or a Windows junction) is
// resolved once: the folder it points to is the state directory.
//
// A dir, dir/drafts or dir/keys that belongs to another user is refused
// with an error wrapping ErrStateDirNotOwned that names the folder and its
// owner: whoever owns it could read or swap the drafts (on Windows, the
// owner is the folder's owner SID; folders owned by the Administrators
// group or LocalSystem pass too, see docs/security.md). One that belongs
// to the user but is open to others is set to mode 0700 (not on Windows,
// where folders keep the ACL they inherit), so give ucx-onboard a
// directory of its own.
//
// OpenDrafts then removes what killed processes left behind: temporary
// files in dir/drafts and dir/keys (see RemoveStaleTemps), key files
// whose draft does not exist and is not held by a running ucx-onboard,
// and the lock files of drafts that no longer exist.
func OpenDrafts(dir string, keys KeyStore) (*Drafts, error) {
	dir, err := resolveStateDir(dir)
	if err != nil {
		return nil, err
	}
	if keys == nil {
		keys = NewKeyStore(dir)
	}
	d := &Drafts{dir: dir, keys: keys, now: time.Now, keyCache: map[string]*age.X25519Identity{},
		locks: map[string]*flock.Flock{}, known: map[string]bool{}, removed: map[string]bool{},
		completing: map[string]*Completion{}}
	if err := ownerOnlyDir(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, stateDirError(dir, err)
	}
	if err := os.MkdirAll(d.draftDir(), 0o700); err != nil {
		return nil, stateDirError(d.draftDir(), err)
	}
	keyDir := filepath.Join(dir, "keys")
	for _, p := range []string{dir, d.draftDir(), keyDir} {
		if err := ownerOnlyDir(p); err != nil && !(p == keyDir && errors.Is(err, fs.ErrNotExist)) {
			return nil, stateDirError(p, err)
		}
	}
	if _, err := RemoveStaleTemps(d.draftDir()); err != nil {
		return nil, fmt.Errorf("store: state directory: %w", unwrapPath(err))
	}
	RemoveStaleTemps(keyDir) // absent when keys live in the keyring
	d.removeOrphans()
	return d, nil
}

func stateDirError(p string, err error) error {
	if errors.Is(err, ErrStateDirNotOwned) {
		return err
	}
	return fmt.Errorf("store: state directory: %s: %w", p, unwrapPath(err))
}

func (d *Drafts) draftDir() string      { return filepath.Join(d.dir, "drafts") }
func (d *Drafts) path(id string) string { return filepath.Join(d.draftDir(), id+".age") }

// NewID returns a fresh draft ID, and takes its lock for d. A caller that
// must know a new draft's ID before its first Save returns (to save it
// again or remove it after an interruption) sets Draft.ID to it; Save then
// creates the draft under that ID. If the lock cannot be taken now, Save
// tries again and reports the error.
func (d *Drafts) NewID() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	id := newDraftID(d.now().UTC())
	_ = d.lock(id)
	return id
}

func newDraftID(now time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return now.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// Save encrypts dr and writes it atomically (0600), replacing the previous
// version. It assigns dr.ID when empty, sets dr.Created on the first save
// and dr.Updated always. A new draft gets a new key in the KeyStore first.
// If the existing draft dr.ID cannot be read with its key (the key has
// become unavailable, or a newer ucx-onboard rewrote the draft), Save
// writes dr under a new ID (and sets dr.ID) rather than destroy that file,
// and lets go of that draft's lock unless d held it before.
//
// Save takes the draft's lock (see Drafts) and fails with an error
// wrapping ErrDraftInUse if another ucx-onboard holds it. It fails with
// ErrDraftKeyGone, writing nothing, when the draft was saved or loaded
// through d and has been removed since (a keyless draft would be left
// otherwise), or when d removed it; a key deleted from under an existing
// draft is stored again.
//
// Once Complete recorded a completion for the draft, every Save keeps it
// (dr.Completed is set to it): a save that was asked for before the
// bundle was written never erases the record of it.
func (d *Drafts) Save(dr *Draft) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.save(dr)
}

func (d *Drafts) save(dr *Draft) error {
	if c := d.completing[dr.ID]; c != nil && dr.ID != "" {
		dr.Completed = c
	}
	now := d.now().UTC()
	var id *age.X25519Identity
	if dr.ID != "" {
		if err := checkID(dr.ID); err != nil {
			return err
		}
		if d.removed[dr.ID] {
			return keyGone(dr.ID, "already removed")
		}
		held := d.locks[dr.ID] != nil
		if err := d.lock(dr.ID); err != nil {
			return err
		}
		_, statErr := os.Lstat(d.path(dr.ID))
		if d.known[dr.ID] && errors.Is(statErr, fs.ErrNotExist) {
			return keyGone(dr.ID, "deleted meanwhile with its key, by another ucx-onboard or by hand")
		}
		id, _ = d.identity(dr.ID)
		if statErr == nil && (id == nil || !d.replaceable(dr.ID, id)) {
			if !held { // d will not write it: free for whoever can
				d.unlock(dr.ID, false)
			}
			dr.ID, id = "", nil // keep the old file; save under a new ID
		}
		if id != nil && statErr == nil {
			if err := d.keepKey(dr.ID, id); err != nil {
				return err
			}
		}
	}
	if dr.ID == "" {
		dr.ID = newDraftID(now)
		if err := d.lock(dr.ID); err != nil {
			return err
		}
	}
	if id == nil {
		var err error
		if id, err = age.GenerateX25519Identity(); err != nil {
			return fmt.Errorf("store: draft key: %v", err)
		}
		if err := d.keys.Set(dr.ID, NewSecret(id.String())); err != nil {
			return fmt.Errorf("store: save draft key: %w", err)
		}
		d.keyCache[dr.ID] = id
	}
	if dr.Created.IsZero() {
		dr.Created = now
	}
	dr.Updated = now
	js, err := marshalDraft(dr)
	if err != nil {
		return err
	}
	defer clear(js)
	pt := pad(js)
	defer clear(pt)
	p := Protection{recipients: []age.Recipient{id.Recipient()}}
	sealed, err := seal(pt, p)
	if err != nil {
		return err
	}
	if len(sealed) > maxFileSize {
		return fmt.Errorf("store: draft %s would be larger than %d MiB; not saved", dr.ID, maxFileSize>>20)
	}
	if err := writeFileAtomic(d.path(dr.ID), sealed, true); err != nil {
		return err
	}
	d.known[dr.ID] = true
	return nil
}

// Record keeps in draft dr the bundle c (from SealBundle) that is about
// to be written (WriteBundleRecorded calls it): it saves dr with
// Completed = c (assigning dr.ID if empty), and every later Save of the
// draft through d keeps c, so that a save asked for earlier never erases
// the record. A run killed at any moment after leaves a draft that the
// next start finishes (List: Completion.Publish) instead of resuming it.
// A draft removed meanwhile (discarded by another ucx-onboard, so that
// nothing can resume it) is no reason to hold the bundle back: Record
// then returns nil. Any other error means nothing is recorded, and the
// bundle must not be written.
//
// Record(dr, nil) withdraws the record (the bundle could not be
// written, and none of it is on disk): dr is saved without it, and the
// onboarding goes on as before. Should that save fail, the next start
// writes the recorded bundle: still one bundle.
func (d *Drafts) Record(dr *Draft, c *Completion) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c == nil {
		delete(d.completing, dr.ID)
		dr.Completed = nil
		return d.save(dr)
	}
	prev := dr.Completed
	dr.Completed = c
	err := d.save(dr)
	switch {
	case err == nil:
		d.completing[dr.ID] = c
	case errors.Is(err, ErrDraftKeyGone):
		err = nil
	default:
		dr.Completed = prev
	}
	return err
}

// keepKey makes sure the key store still has key, the key of the
// existing draft id: one the store reports missing (ErrKeyNotFound:
// deleted by hand, or a keyring that is locked now, which counts as none
// as it does for a new draft) is stored again; if it cannot be, the error
// wraps ErrDraftKeyGone. Any other error of the store is trusted to mean
// the key is there.
func (d *Drafts) keepKey(id string, key *age.X25519Identity) error {
	if _, err := d.keys.Get(id); err == nil || !errors.Is(err, ErrKeyNotFound) {
		return nil
	}
	if err := d.keys.Set(id, NewSecret(key.String())); err != nil {
		return keyGone(id, "key deleted meanwhile and cannot be stored again ("+oneLine(err.Error(), 120)+")")
	}
	return nil
}

// keyGone says why draft id is not saved; what comes first fits a
// status line.
func keyGone(id, why string) error {
	return newError(ErrDraftKeyGone, fmt.Sprintf("store: draft %s, not saved again (draft %s)", why, id), nil)
}

// replaceable reports whether Save may overwrite draft id, encrypted to
// key: not if key does not open it or its content is from a newer
// ucx-onboard (load would report ErrDraftKeyUnavailable or
// ErrDraftUnsupported). A damaged draft (load would move it aside) or an
// unreadable file may be replaced.
func (d *Drafts) replaceable(id string, key *age.X25519Identity) bool {
	data, err := readFileCapped(d.path(id), maxFileSize)
	if err != nil {
		return true
	}
	pt, err := decrypt(data, "draft", []age.Identity{key})
	if errors.Is(err, ErrNoIdentityMatch) {
		return false
	}
	if err != nil {
		return true
	}
	defer clear(pt)
	_, err = decodeDraft(id, pt)
	return err == nil
}

// identity fetches and parses the key of draft id.
func (d *Drafts) identity(id string) (*age.X25519Identity, error) {
	if x := d.keyCache[id]; x != nil {
		return x, nil
	}
	s, err := d.keys.Get(id)
	if err != nil {
		return nil, newError(ErrDraftKeyUnavailable, fmt.Sprintf("store: draft %s: key unavailable", id), nil)
	}
	x, err := age.ParseX25519Identity(s.Reveal())
	if err != nil {
		return nil, newError(ErrDraftKeyUnavailable, fmt.Sprintf("store: draft %s: stored key is malformed", id), nil)
	}
	d.keyCache[id] = x
	return x, nil
}

func marshalDraft(dr *Draft) ([]byte, error) {
	w := wireDraft{
		Format: draftFormat, Version: draftVersion, ID: dr.ID,
		Customer: dr.Customer, SelectedApps: nonNil(dr.SelectedApps), SkippedApps: nonNil(dr.SkippedApps),
		Apps: toWireApps(dr.Apps), Org: toWireOrg(dr.Org), Approvals: toWireApprovals(dr.Approvals),
		Completed: toWireCompletion(dr.Completed), Created: utc(dr.Created), Updated: utc(dr.Updated),
	}
	if w.Completed == nil || w.Completed.Sealed == nil {
		// Nothing of version 3 in it: earlier builds still read it.
		w.Version = 2
	}
	return jsonMarshal(w)
}

// Load decrypts draft id and takes its lock (see Drafts), which it keeps
// if the draft loads. Errors wrap ErrDraftInUse (another ucx-onboard holds
// it), ErrDraftNotFound, ErrDraftKeyUnavailable, ErrDraftUnsupported (a
// newer ucx-onboard made it; it is left as it is), or ErrDraftDamaged (the
// file is then renamed aside and kept, and its key deleted). A completed
// draft (Draft.Completed) loads too: the caller must not resume it.
func (d *Drafts) Load(id string) (Draft, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := checkID(id); err != nil {
		return Draft{}, err
	}
	held := d.locks[id] != nil
	if err := d.lock(id); err != nil {
		return Draft{}, err
	}
	dr, err := d.load(id)
	if err != nil {
		if !held {
			d.unlock(id, !d.exists(id))
		}
		return Draft{}, err
	}
	d.known[id] = true
	return dr, nil
}

func (d *Drafts) load(id string) (Draft, error) {
	if err := checkID(id); err != nil {
		return Draft{}, err
	}
	// Read at most maxFileSize bytes: a larger file is damaged from its
	// size alone (see docs/security.md, "Reads and their limits").
	data, err := readFileCapped(d.path(id), maxFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return Draft{}, newError(ErrDraftNotFound, fmt.Sprintf("store: no draft %s", id), nil)
	}
	if errors.Is(err, errTooLarge) {
		return Draft{}, d.damaged(id, err)
	}
	if err != nil {
		return Draft{}, fmt.Errorf("store: read draft %s: %w", id, unwrapPath(err))
	}
	defer clear(data)
	key, err := d.identity(id)
	if err != nil {
		return Draft{}, err
	}
	pt, err := decrypt(data, "draft", []age.Identity{key})
	if errors.Is(err, ErrNoIdentityMatch) {
		return Draft{}, newError(ErrDraftKeyUnavailable, fmt.Sprintf("store: draft %s: its key does not match", id), nil)
	}
	if err != nil {
		return Draft{}, d.damaged(id, err)
	}
	defer clear(pt)
	w, err := decodeDraft(id, pt)
	if err != nil {
		return Draft{}, err
	}
	return Draft{
		ID: id, Customer: w.Customer, SelectedApps: w.SelectedApps, SkippedApps: w.SkippedApps,
		Apps: fromWireApps(w.Apps), Org: fromWireOrg(w.Org), Approvals: w.approvals(),
		Completed: fromWireCompletion(w.Completed), Created: w.Created, Updated: w.Updated,
	}, nil
}

// decodeDraft decodes the decrypted content of draft id. The content has
// passed authentication with the draft's own key, so it is intact and was
// written by some ucx-onboard: if this one cannot decode it (a later draft
// version, a field it does not know), the error wraps ErrDraftUnsupported,
// never ErrDraftDamaged, and the caller leaves the draft and its key
// alone for the version that made it.
func decodeDraft(id string, pt []byte) (wireDraft, error) {
	var m struct {
		Format  *string `json:"format"`
		Version *int    `json:"version"`
	}
	if json.Unmarshal(pt, &m) == nil && m.Format != nil && *m.Format == draftFormat &&
		m.Version != nil && *m.Version > draftVersion {
		return wireDraft{}, newerDraft(id, fmt.Sprintf("version %d", *m.Version))
	}
	if err := checkMarker(pt, "draft", draftFormat, draftVersion); err != nil {
		// Version 1 (until approvals) is read through its own fields,
		// version 2 (until the sealed bundle in completed) as version 3.
		if checkMarker(pt, "draft", draftFormat, 2) != nil && checkMarker(pt, "draft", draftFormat, 1) != nil {
			return wireDraft{}, unreadableDraft(id, err)
		}
	}
	var w wireDraft
	if err := strictDecode(pt, &w); err != nil {
		if errors.Is(err, errUnknownField) {
			return wireDraft{}, newerDraft(id, err.Error())
		}
		return wireDraft{}, unreadableDraft(id, err)
	}
	return w, nil
}

func newerDraft(id, what string) error {
	return newError(ErrDraftUnsupported, fmt.Sprintf(
		"store: draft %s was made by a newer ucx-onboard (%s); use that version to resume it", id, oneLine(what, 80)), nil)
}

func unreadableDraft(id string, cause error) error {
	why := strings.TrimPrefix(oneLine(cause.Error(), 160), "store: ")
	return newError(ErrDraftUnsupported, fmt.Sprintf(
		"store: draft %s cannot be read by this ucx-onboard (%s); it is kept: resume it with the version that made it, or discard it", id, why), nil)
}

// Records reports whether a draft not held by another ucx-onboard has
// recorded a bundle at path (Draft.Completed): a file there is then that
// draft's bundle, or takes its name, and List finishes or reports it. The
// wizard's preflight lets such an --out pass instead of refusing it as
// taken, so the draft can be finished and discarded.
func (d *Drafts) Records(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	entries, err := os.ReadDir(d.draftDir())
	if err != nil {
		return false
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".age") || isTempName(name) || !e.Type().IsRegular() {
			continue
		}
		id := strings.TrimSuffix(name, ".age")
		if busy, _ := d.lockedByOther(id); busy {
			continue
		}
		if dr, err := d.load(id); err == nil && dr.Completed != nil && filepath.Clean(dr.Completed.file()) == abs {
			return true
		}
	}
	return false
}

// damaged renames draft id aside, deletes its key, and returns an
// ErrDraftDamaged error.
//
// The key goes because the damage is in the file, not in the key: a
// missing, malformed or non-matching key is reported as
// ErrDraftKeyUnavailable and never gets here, nor does a draft that
// decrypts but is from a newer version (ErrDraftUnsupported). With the key gone, the
// tokens in the damaged file (age decrypts the chunks before a damaged
// one) can no longer be recovered by anyone; the *.damaged file only shows
// what happened, and Remove deletes it.
func (d *Drafts) damaged(id string, cause error) error {
	src := d.path(id)
	dst := src + ".damaged"
	if _, err := os.Lstat(dst); err == nil {
		dst = fmt.Sprintf("%s.%s.damaged", src, d.now().UTC().Format("20060102-150405.000000000"))
	}
	where := "kept as " + filepath.Base(dst)
	if err := os.Rename(src, dst); err != nil {
		where = "could not move it aside: " + oneLine(unwrapPath(err).Error(), 80)
	} else {
		delete(d.keyCache, id)
		if err := d.keys.Delete(id); err != nil {
			where += "; its key could not be deleted"
		}
	}
	msg := fmt.Sprintf("store: draft %s is damaged (%s)", id, where)
	why := strings.TrimPrefix(oneLine(cause.Error(), 160), "store: ")
	return newError(ErrDraftDamaged, msg+": "+why, nil)
}

// List returns every draft, newest first. A draft that cannot be read is
// listed with Err set (see DraftInfo); List itself fails only if the
// directory cannot be read, and never panics on a bad file.
//
// A completed draft (Draft.Completed: its bundle was written, or was
// being written when the run that made it was killed) is finished here,
// once per start: its bundle and receipt are written if missing, never
// over another file (Completion.Publish), and DraftInfo.Finished says what
// was found. The draft stays, to be discarded.
func (d *Drafts) List() ([]DraftInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	entries, err := os.ReadDir(d.draftDir())
	if err != nil {
		return nil, fmt.Errorf("store: list drafts: %w", unwrapPath(err))
	}
	var out []DraftInfo
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".age") || isTempName(name) || !e.Type().IsRegular() {
			continue
		}
		id := strings.TrimSuffix(name, ".age")
		info := DraftInfo{ID: id}
		if fi, err := e.Info(); err == nil {
			info.Updated = fi.ModTime()
		}
		if busy, pid := d.lockedByOther(id); busy {
			info.Err, info.HeldBy = inUse(id, pid), pid
			out = append(out, info)
			continue
		}
		dr, err := d.load(id)
		if err != nil {
			info.Err = err
		} else {
			info.Company = dr.Customer.Company
			info.Completed = dr.Completed
			if c := dr.Completed; c != nil {
				f := &Finished{}
				f.Receipt, f.Published, f.Err = c.Publish()
				info.Finished = f
			}
			info.Updated = dr.Updated
			for _, a := range dr.Apps {
				n := a.AppName
				if n == "" {
					n = a.AppID
				}
				info.AppsDone = append(info.AppsDone, n)
			}
		}
		out = append(out, info)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Updated.After(out[j].Updated) })
	return out, nil
}

// Remove deletes draft id, any *.damaged copy of it, and its key, then
// releases its lock. It never decrypts, so it works for a draft whose key
// is unavailable or damaged. A missing draft or key is not an error; a
// draft held by another ucx-onboard is (ErrDraftInUse), and is left alone.
// d never saves id again (Save reports ErrDraftKeyGone).
func (d *Drafts) Remove(id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := checkID(id); err != nil {
		return err
	}
	if err := d.lock(id); err != nil {
		return err
	}
	copies, err := d.damagedCopies(id)
	if err != nil {
		return fmt.Errorf("store: remove draft %s: %w", id, unwrapPath(err))
	}
	for _, p := range append([]string{d.path(id)}, copies...) {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("store: remove draft %s: %w", id, unwrapPath(err))
		}
	}
	delete(d.keyCache, id)
	delete(d.known, id)
	delete(d.completing, id)
	d.removed[id] = true
	if err := d.keys.Delete(id); err != nil {
		return fmt.Errorf("store: remove key of draft %s: %w", id, err)
	}
	d.unlock(id, true)
	return nil
}

// damagedCopies returns the paths of the copies that damaged made of
// draft id: <id>.age.damaged, and <id>.age.<time>.damaged if that existed.
// It matches names rather than a glob pattern, which a '[' in the state
// directory's path would break.
func (d *Drafts) damagedCopies(id string) ([]string, error) {
	entries, err := os.ReadDir(d.draftDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	prefix := filepath.Base(d.path(id)) + "." // ids have no '.'
	var out []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, prefix) && strings.HasSuffix(n[len(prefix)-1:], ".damaged") {
			out = append(out, filepath.Join(d.draftDir(), n))
		}
	}
	return out, nil
}

// jsonMarshal is json.Marshal without HTML escaping.
func jsonMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := jsonEncoder(&b)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("store: encode: %v", err)
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
