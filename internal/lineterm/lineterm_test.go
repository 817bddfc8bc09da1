package lineterm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestFormHaltsOnCtrlC: once Ctrl-C interrupts a form's read, every later
// read of the form fails and nothing it writes is shown (huh would go on
// to the next fields with their defaults); Form says ErrInterrupted, and
// the next form reads the lines again.
func TestFormHaltsOnCtrlC(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctrlC := make(chan struct{}, 1)
	var out bytes.Buffer
	term := New(context.Background(), pr, &out, ctrlC)
	var reads []error
	form := func(in io.Reader, w io.Writer) error {
		for i := range 3 {
			fmt.Fprintf(w, "field %d: ", i)
			_, err := in.Read(make([]byte, 64))
			reads = append(reads, err)
			if i == 0 {
				ctrlC <- struct{}{} // pressed while the second field waits
			}
		}
		return nil
	}
	go io.WriteString(pw, "first\n")
	if err := term.Form(form); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Form = %v, want ErrInterrupted", err)
	}
	if reads[0] != nil || !errors.Is(reads[1], ErrInterrupted) || !errors.Is(reads[2], ErrInterrupted) {
		t.Errorf("reads = %v", reads)
	}
	if got := out.String(); got != "field 0: field 1: " {
		t.Errorf("shown %q; the halted form's prompts must not show", got)
	}
	if term.Ended() {
		t.Error("Ctrl-C taken as the input's end")
	}
	reads = nil
	go io.WriteString(pw, "again\n")
	if err := term.Form(func(in io.Reader, _ io.Writer) error {
		_, err := in.Read(make([]byte, 64))
		return err
	}); err != nil {
		t.Errorf("the next form: %v", err)
	}
}

// TestChoose: Choose asks until the first letter of the answer is a key;
// an empty answer is the default; Ctrl-C and the input's end are errors.
func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		in, def string
		ctrlC   bool
		want    string
		err     error
		asked   int
	}{
		{in: "yes\n", def: "n", want: "y", asked: 1},
		{in: "\n", def: "n", want: "n", asked: 1},
		{in: "maybe\nNo\n", def: "y", want: "n", asked: 2},
		{in: "\nn\n", def: "", want: "n", asked: 2}, // no default: asked again
		{in: "", def: "y", want: "y", err: io.EOF, asked: 1},
		{ctrlC: true, def: "y", want: "y", err: ErrInterrupted, asked: 1},
	} {
		ctrlC := make(chan struct{}, 1)
		var in io.Reader = strings.NewReader(tc.in)
		if tc.ctrlC {
			ctrlC <- struct{}{}
			in, _ = io.Pipe() // nothing typed
		}
		var out bytes.Buffer
		got, err := New(context.Background(), in, &out, ctrlC).Choose("ok? ", "yn", tc.def)
		if got != tc.want || !errors.Is(err, tc.err) || strings.Count(out.String(), "ok? ") != tc.asked {
			t.Errorf("%q: Choose = %q, %v; shown %q", tc.in, got, err, out.String())
		}
	}
}

// reads answers each Read with the next of its results.
type reads []struct {
	s   string
	err error
}

func (r *reads) Read(p []byte) (int, error) {
	if len(*r) == 0 {
		return 0, io.EOF
	}
	next := (*r)[0]
	*r = (*r)[1:]
	return copy(p, next.s), next.err
}

// TestConsoleReadAborted: on a console (a read begun by a key), a read
// that Ctrl-C or Ctrl-Z ended (Windows: Go reads the end of the input) does
// not end the input: what was typed before Ctrl-Z is a line, and the next
// line is read. A read no key began (the console could not be waited on)
// ends it, as does the end of a pipe.
func TestConsoleReadAborted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		keyed bool
		src   reads
		want  []Line
	}{
		{"Ctrl-C: no line", true, reads{{"", io.EOF}, {"n\n", nil}}, []Line{{S: "n\n"}}},
		{"Ctrl-Z after text", true, reads{{"abc", io.EOF}, {"n\n", nil}}, []Line{{S: "abc"}, {S: "n\n"}}},
		{"no key: the console is gone", false, reads{{"", io.EOF}, {"n\n", nil}}, []Line{{Err: io.EOF}, {Err: io.EOF}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term := New(context.Background(), &tc.src, io.Discard, nil)
			term.wait = func() bool { return tc.keyed }
			term.aborted = func(err error) bool { return errors.Is(err, io.EOF) }
			for i, want := range tc.want {
				if got := <-term.Next(); got != want {
					t.Errorf("line %d = %+v, want %+v", i, got, want)
				}
			}
		})
	}
}
