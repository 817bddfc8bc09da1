package wizardtest

import (
	"errors"
	"fmt"
	"sync"

	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// Drafts is a wizard.DraftStore in memory: drafts are named draft-1,
// draft-2, ... in the order they are made, and stamped T0.
type Drafts struct {
	// Mu guards the fields: hold it to read them while the wizard runs.
	Mu     sync.Mutex
	Drafts map[string]wizard.Draft
	N      int // drafts made
	Saves  int
	// SaveErr and RemoveErr, when set, fail every Save and Remove.
	SaveErr, RemoveErr error
	Removed            []string // ids passed to Remove
}

// NewDrafts returns an empty Drafts.
func NewDrafts() *Drafts { return &Drafts{Drafts: map[string]wizard.Draft{}} }

func (f *Drafts) Save(d *wizard.Draft) error {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if f.SaveErr != nil {
		return f.SaveErr
	}
	if d.ID == "" {
		d.ID = fmt.Sprintf("draft-%d", f.N+1)
	}
	if _, ok := f.Drafts[d.ID]; !ok { // a new draft, under an ID given or assigned
		f.N++
		d.Created = T0
	}
	d.Updated = T0
	f.Drafts[d.ID] = *d
	f.Saves++
	return nil
}

// NewID names the next draft as Save would.
func (f *Drafts) NewID() string {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return fmt.Sprintf("draft-%d", f.N+1)
}

// Record keeps c in the draft, as store.Drafts.Record does (without
// keeping it through later saves).
func (f *Drafts) Record(d *wizard.Draft, c *store.Completion) error {
	d.Completed = c
	return f.Save(d)
}

func (f *Drafts) List() ([]wizard.DraftInfo, error) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	var out []wizard.DraftInfo
	for i := 1; i <= f.N; i++ {
		d, ok := f.Drafts[fmt.Sprintf("draft-%d", i)]
		if !ok {
			continue
		}
		info := wizard.DraftInfo{ID: d.ID, Company: d.Customer.Company, Updated: d.Updated, Completed: d.Completed}
		for _, g := range d.Apps {
			info.AppsDone = append(info.AppsDone, g.AppID)
		}
		out = append(out, info)
	}
	return out, nil
}

func (f *Drafts) Load(id string) (wizard.Draft, error) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	d, ok := f.Drafts[id]
	if !ok {
		return wizard.Draft{}, errors.New("no such draft")
	}
	return d, nil
}

func (f *Drafts) Remove(id string) error {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Removed = append(f.Removed, id)
	if f.RemoveErr != nil {
		return f.RemoveErr
	}
	delete(f.Drafts, id)
	return nil
}

// Recipient is the age recipient of the tests' bundles.
const Recipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"

// Writer records the bundle instead of sealing it; its Write is a
// wizard.WriteBundleFunc.
type Writer struct {
	mu     sync.Mutex
	bundle *store.Bundle
	pass   store.Secret
	path   string
}

func (f *Writer) Write(path string, b store.Bundle, pass store.Secret, record func(*store.Completion) error) (wizard.Receipt, error) {
	if record != nil {
		// As store.WriteBundleRecorded: the draft keeps the sealed
		// bundle before it is written; no record, no bundle.
		c := &store.Completion{BundlePath: path, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Sealed: []byte("sealed")}
		if err := record(c); err != nil {
			return wizard.Receipt{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bundle, f.pass, f.path = &b, pass, path
	return wizard.Receipt{
		BundlePath: path, ReceiptPath: path + ".receipt.txt",
		SHA256:     "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Recipients: []string{Recipient},
	}, nil
}

// Got is what the last Write was given: the bundle (nil before any),
// the passphrase and the path.
func (f *Writer) Got() (*store.Bundle, store.Secret, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bundle, f.pass, f.path
}
