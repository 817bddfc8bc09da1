package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyStore keeps each draft's key (an age identity, as a Secret). Get
// returns an error wrapping ErrKeyNotFound when there is no key for the
// draft. Delete of a missing key is not an error.
type KeyStore interface {
	Get(draftID string) (Secret, error)
	Set(draftID string, key Secret) error
	Delete(draftID string) error
}

// keyringService is the OS keyring service name of the draft keys.
const keyringService = "ucx-onboard"

// keyringTimeout bounds each keyring call: a desktop keyring may wait for
// an unlock prompt nobody answers (e.g. over SSH).
var keyringTimeout = 5 * time.Second

// NewKeyStore returns the default KeyStore: the OS keyring (macOS
// Keychain, Windows Credential Manager, Secret Service on Linux) where it
// works, and otherwise 0600 files under dir/keys (docs/security.md has the
// threat model). Any keyring error counts as "no keyring".
func NewKeyStore(dir string) KeyStore {
	return &fallbackKeyStore{file: NewFileKeyStore(dir)}
}

// NewFileKeyStore returns a KeyStore of 0600 files in dir/keys (0700).
func NewFileKeyStore(dir string) KeyStore {
	return fileKeyStore{dir: filepath.Join(dir, "keys")}
}

type fallbackKeyStore struct{ file KeyStore }

func (k *fallbackKeyStore) Get(id string) (Secret, error) {
	if err := checkID(id); err != nil {
		return Secret{}, err
	}
	if v, err := keyringCall(func() (string, error) { return keyring.Get(keyringService, keyringUser(id)) }); err == nil && v != "" {
		return NewSecret(v), nil
	}
	return k.file.Get(id)
}

func (k *fallbackKeyStore) Set(id string, key Secret) error {
	if err := checkID(id); err != nil {
		return err
	}
	_, err := keyringCall(func() (string, error) { return "", keyring.Set(keyringService, keyringUser(id), key.Reveal()) })
	if err == nil {
		// In the keyring now: drop any older file copy.
		_ = k.file.Delete(id)
		return nil
	}
	return k.file.Set(id, key)
}

func (k *fallbackKeyStore) Delete(id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	_, _ = keyringCall(func() (string, error) { return "", keyring.Delete(keyringService, keyringUser(id)) })
	return k.file.Delete(id)
}

func keyringUser(id string) string { return "draft-" + id }

// keyringCall runs f with keyringTimeout.
func keyringCall(f func() (string, error)) (string, error) {
	type result struct {
		v   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(keyringTimeout):
		return "", errors.New("keyring timed out")
	}
}

type fileKeyStore struct{ dir string }

// maxDraftKeySize bounds what is read of a draft key file: an age
// X25519 identity is 74 characters.
const maxDraftKeySize = 4 << 10

func (k fileKeyStore) path(id string) string { return filepath.Join(k.dir, "draft-"+id+".key") }

func (k fileKeyStore) Get(id string) (Secret, error) {
	if err := checkID(id); err != nil {
		return Secret{}, err
	}
	b, err := readFileCapped(k.path(id), maxDraftKeySize)
	if errors.Is(err, fs.ErrNotExist) {
		return Secret{}, newError(ErrKeyNotFound, fmt.Sprintf("store: no key for draft %s", id), nil)
	}
	if err != nil {
		return Secret{}, newError(ErrKeyNotFound, fmt.Sprintf("store: key of draft %s", id), unwrapPath(err))
	}
	defer clear(b)
	return NewSecret(strings.TrimSpace(string(b))), nil
}

func (k fileKeyStore) Set(id string, key Secret) error {
	if err := checkID(id); err != nil {
		return err
	}
	if err := os.MkdirAll(k.dir, 0o700); err != nil {
		return fmt.Errorf("store: key directory: %w", unwrapPath(err))
	}
	if err := ownerOnlyDir(k.dir); err != nil {
		return fmt.Errorf("store: key directory: %w", unwrapPath(err))
	}
	data := []byte(key.Reveal() + "\n")
	defer clear(data)
	return writeFileAtomic(k.path(id), data, true)
}

func (k fileKeyStore) Delete(id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	if err := os.Remove(k.path(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: delete key of draft %s: %w", id, unwrapPath(err))
	}
	return nil
}

// checkID accepts draft IDs as Drafts makes them: lowercase letters,
// digits and '-', so an ID can never name a path outside the state dir.
func checkID(id string) error {
	if id == "" || len(id) > 64 {
		return newError(ErrDraftNotFound, "store: invalid draft id", nil)
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return newError(ErrDraftNotFound, fmt.Sprintf("store: invalid draft id %s", quote(id)), nil)
		}
	}
	return nil
}
