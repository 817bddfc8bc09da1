package store_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/imagicle/ucx-onboard/store"
)

func ExampleNewRecipientProtection() {
	// The UCX side's public key, from `ucx-onboard keygen`.
	p, err := store.NewRecipientProtection([]string{"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p)
	_, err = store.NewRecipientProtection([]string{"age1-not-a-key"})
	fmt.Println(err)
	// Output:
	// age recipient age1ql3z7hjy…mcac8p
	// store: recipient #1 (14 characters, starting "age1") is not a valid age public key
}

func ExampleOpenBundle() {
	ids, err := store.ParseIdentityFile(filepath.Join("testdata", "identity.txt"))
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := os.Open(filepath.Join("testdata", "good.age"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	b, err := store.OpenBundle(f, ids...)
	if err != nil {
		fmt.Println(err) // errors.Is(err, store.ErrNoIdentityMatch), ErrTampered, ...
		return
	}
	fmt.Println(b.Customer.Company, "/", b.Org.Name)
	for _, a := range b.Apps {
		// Tokens are Secrets: printing one shows "[redacted]".
		fmt.Println(a.AppName, a.AccessToken, a.AccessTokenExpiry.Format("2006-01-02"))
	}
	// Output:
	// Acme S.p.A. / Acme
	// Attendant Console Presence Connector [redacted] 2026-12-05
}

func ExampleWriteBundle() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	p, _ := store.NewRecipientProtection([]string{"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"})
	b := store.Bundle{Customer: store.Customer{Company: "Acme"}, ToolVersion: "example"}
	path := filepath.Join(dir, "acme.ucxbundle")
	rc, err := store.WriteBundle(path, b, p)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(rc.BundlePath), filepath.Base(rc.ReceiptPath), len(rc.SHA256), rc.Recipients)
	_, err = store.WriteBundle(path, b, p) // never overwrites
	fmt.Println(err != nil)
	// Output:
	// acme.ucxbundle acme.ucxbundle.receipt.txt 64 [age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p]
	// true
}
