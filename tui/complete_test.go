package tui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui/effects"
	"github.com/imagicle/ucx-onboard/tui/wizard"
)

// finishedDrafts are completed drafts in each state the start can find
// their bundle in (DraftInfo.Finished), and the words each is listed with.
func finishedDrafts() ([]DraftInfo, []string) {
	mismatch := fmt.Errorf("store: /out/d.ucxbundle is not the bundle this onboarding wrote (its SHA-256 differs from abababababab…); it was left as it is, and no other bundle was written: %w", store.ErrBundleMismatch)
	states := []struct {
		f    *store.Finished
		want string
	}{
		{&store.Finished{Published: store.Published{WroteBundle: true, WroteReceipt: true}}, "the run that wrote it was stopped; it is written now, with its receipt"},
		{&store.Finished{Published: store.Published{WroteReceipt: true}}, "its receipt was missing and is written now"},
		{&store.Finished{}, "checked: intact, with its receipt"},
		{&store.Finished{Err: mismatch}, "but /out/d.ucxbundle is not the bundle this onboarding wrote"},
	}
	var infos []DraftInfo
	var want []string
	for i, s := range states {
		name := string(rune('a' + i))
		infos = append(infos, DraftInfo{ID: "2026112" + name, Company: "Company " + name, Updated: t0, AppsDone: []string{"users"},
			Completed: &store.Completion{BundlePath: "/out/" + name + ".ucxbundle", SHA256: strings.Repeat("ab", 32)}, Finished: s.f})
		want = append(want, "already completed: /out/"+name+".ucxbundle", s.want)
	}
	return infos, want
}

// TestResumeFinished: both front-ends list a completed draft with what
// the start found of its bundle (written now, receipt written now,
// intact, another file under its name), and neither resumes it.
func TestResumeFinished(t *testing.T) {
	infos, want := finishedDrafts()
	t.Run("full-screen", func(t *testing.T) {
		f := newFixture(t, 200, 40, nil)
		f.drive(t, ev(wizard.DraftsListed{Infos: infos}))
		v := strings.Join(strings.Fields(f.view()), " ")
		for _, w := range want {
			if !strings.Contains(v, w) {
				t.Errorf("resume screen lacks %q:\n%s", w, f.view())
			}
		}
		for range infos {
			f.drive(t, press("enter"), press("down"))
		}
		if f.m.v.Step != wizard.StepResume {
			t.Fatalf("a completed draft was resumed:\n%s", f.view())
		}
	})
	t.Run("accessible", func(t *testing.T) {
		f := newFakes()
		d := testDeps(f)
		d.Drafts = listedDrafts{f.drafts, infos}
		// resume 1, resume 4 (both completed), then quit at the form.
		_, text, _ := runAccessible(t, d, "1\n4\n\n")
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("output lacks %q:\n%s", w, text)
			}
		}
		if strings.Count(text, "That onboarding is already completed") != 2 {
			t.Errorf("a completed draft was not refused:\n%s", text)
		}
		if b, _, _ := f.writer.Got(); b != nil {
			t.Errorf("a bundle was written: %+v", b)
		}
	})
}

// TestWriteFailureRemedy: when the bundle cannot be written, the review
// (both front-ends) says what to do about the file, never "s to skip
// this app", which does not apply there.
func TestWriteFailureRemedy(t *testing.T) {
	errNoSpace := errors.New("store: write acme.ucxbundle: no space left on device")
	failing := func(d *Deps) {
		prefill(d)
		d.WriteBundle = func(string, store.Bundle, store.Secret, func(*store.Completion) error) (Receipt, error) {
			return Receipt{}, errNoSpace
		}
	}
	t.Run("full-screen", func(t *testing.T) {
		f := newFixture(t, 100, 30, failing)
		f.drive(t, ev(wizard.DraftsListed{}))
		f.confirmForm(t)
		f.drive(t, press("enter"))
		if f.m.v.Step != wizard.StepReview {
			t.Fatalf("not on review (%s):\n%s", f.where(), f.view())
		}
		f.drive(t, press("enter"))
		if f.m.v.Step != wizard.StepReview || f.m.v.Review.WriteErr == nil {
			t.Fatalf("the failed write left the review (%s):\n%s", f.where(), f.view())
		}
		v := strings.Join(strings.Fields(f.view()), " ")
		if !strings.Contains(v, "could not write the bundle") || !strings.Contains(v, "Press enter to try again") || strings.Contains(v, "skip this app") {
			t.Errorf("review after a failed write:\n%s", f.view())
		}
	})
	t.Run("accessible", func(t *testing.T) {
		d := testDeps(newFakes())
		failing(&d)
		_, text, err := runAccessible(t, d, prefilledForm+"y\nq\n")
		if !errors.Is(err, ErrUserAborted) {
			t.Errorf("Run = %v", err)
		}
		if !strings.Contains(text, "Could not write the bundle") || !strings.Contains(text, "Nothing was written") || strings.Contains(text, "skip this app") {
			t.Errorf("output:\n%s", text)
		}
	})
}

// TestLongCompanyName: a 300-character company name is accepted, its
// bundle's name fits a file name (store.CheckBundleName), and the bundle
// keeps the full name.
func TestLongCompanyName(t *testing.T) {
	long := strings.Repeat("Acme Industrie Meccaniche ", 12)[:300]
	for _, tc := range []struct{ in, want string }{
		{"Acme S.p.A.", "acme-s-p-a"},
		{"", "customer"},
		{"!!!", "customer"},
		{long, strings.TrimRight(Slug(long)[:MaxSlugLen], "-")},
	} {
		if got := Slug(tc.in); got != tc.want || len(got) > MaxSlugLen {
			t.Errorf("Slug(%.20q…) = %q, want %q", tc.in, got, tc.want)
		}
	}
	name := DefaultOutPath(long, t0)
	if err := store.CheckBundleName(name[:len(name)-len(".ucxbundle")] + "-100.ucxbundle"); err != nil {
		t.Errorf("%s (numbered): %v", name, err)
	}
	f := newFixture(t, 80, 24, func(d *Deps) {
		prefill(d)
		c := *d.Prefill
		c.Company = long
		d.Prefill = &c
	})
	f.drive(t, ev(wizard.DraftsListed{}))
	f.confirmForm(t)
	f.drive(t, press("enter"))
	f.drive(t, press("enter"))
	if res, err := f.m.Result(); err != nil || res.Receipt == nil || f.m.v.Step != wizard.StepDone {
		t.Fatalf("Result = %+v, %v (%s)\n%s", res, err, f.where(), f.view())
	}
	b, _, path := f.writer.Got()
	if b.Customer.Company != long || filepath.Base(path) != name {
		t.Errorf("bundle company %d characters, path %q (want %q)", len(b.Customer.Company), path, name)
	}
}

// TestRetryAfterReceiptFailure: when the bundle was written but not its
// receipt, trying again writes the receipt of that bundle, never a second
// bundle.
func TestRetryAfterReceiptFailure(t *testing.T) {
	dir := t.TempDir()
	p, err := store.NewPassphraseProtection(store.NewSecret("correct horse battery staple"))
	if err != nil {
		t.Fatal(err)
	}
	writes := 0
	f := newFakes()
	d := testDeps(f)
	d.WriteBundle = func(path string, b store.Bundle, _ store.Secret, record func(*store.Completion) error) (Receipt, error) {
		writes++
		c, err := store.SealBundle(path, b, p)
		if err != nil {
			return Receipt{}, err
		}
		if err := record(c); err != nil {
			return Receipt{}, err
		}
		// The bundle is written, then the disk fills up.
		if err := os.WriteFile(c.Path, c.Sealed, 0o600); err != nil {
			t.Fatal(err)
		}
		return Receipt{BundlePath: path, SHA256: c.SHA256}, errors.New("store: bundle written, but not its receipt: no space left on device")
	}
	path := filepath.Join(dir, "acme.ucxbundle")
	dr := Draft{ID: "draft-1", Customer: testCustomer()}
	_, _, written, err := effects.WriteBundle(d, dr, path, store.Bundle{Customer: dr.Customer}, store.Secret{}, nil)
	if err == nil || written == nil {
		t.Fatalf("first attempt: written %v, err %v", written, err)
	}
	r, _, again, err := effects.WriteBundle(d, dr, path, store.Bundle{Customer: dr.Customer}, store.Secret{}, written)
	if err != nil || again != nil || r.ReceiptPath != path+store.ReceiptSuffix || writes != 1 {
		t.Fatalf("retry: %+v %v %v, %d writes", r, again, err, writes)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.ucxbundle*")); len(m) != 2 {
		t.Errorf("files: %v", m)
	}
	if rec := f.drafts.Drafts["draft-1"].Completed; rec == nil || rec.SHA256 != r.SHA256 {
		t.Errorf("the draft did not record the bundle: %+v", rec)
	}
}
