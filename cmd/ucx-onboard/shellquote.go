package main

import (
	"runtime"
	"strings"
)

// shell is the command interpreter an engineer pastes a printed command
// into. Commands are quoted for it: the resume command, the inspect and
// open lines of the Done screen, hints, and fake-webex's next command
// and variable lines.
type shell int

const (
	posixShell shell = iota // sh, bash, zsh: Linux and macOS terminals
	powerShell              // Windows PowerShell 5.1 and PowerShell 7 (Windows Terminal's default)
	cmdShell                // cmd.exe
)

// hostShell is the shell commands are printed for on this platform:
// POSIX on Unix, PowerShell on Windows. On Windows quoteWindows gives
// PowerShell and cmd.exe the same text for every argument both can read
// alike (every Windows path without $NAME or `), so a command printed for
// PowerShell pastes into cmd.exe as well.
var hostShell = shellFor(runtime.GOOS)

// shellFor is the shell commands are printed for on goos.
func shellFor(goos string) shell {
	if goos == "windows" {
		return powerShell
	}
	return posixShell
}

// shellQuote quotes s as one argument for hostShell.
func shellQuote(s string) string { return quoteArg(s, hostShell) }

// quoteArg quotes s as one argument for sh, leaving it bare when it has
// only characters that sh reads as themselves.
func quoteArg(s string, sh shell) string {
	if sh == posixShell {
		return quotePOSIX(s)
	}
	return quoteWindows(s, sh)
}

// quotePOSIX quotes s for a POSIX shell: bare when it has only safe
// characters, else in single quotes (inside which nothing is special),
// a ' written as '\”.
func quotePOSIX(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+:=@%,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// windowsBare are the characters PowerShell and cmd.exe both pass on
// unchanged outside quotes (a path such as C:\Users\ana\acme.ucxbundle).
// Not: space, & | < > ( ) ^ (cmd.exe), ; , ' { } @ # $ ` (PowerShell),
// % (cmd.exe expands %NAME%), ~ ! [ ] and anything else.
const windowsBare = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./\\:+="

// quoteWindows quotes s for PowerShell or cmd.exe: bare when it has only
// windowsBare characters, else in double quotes, which both shells
// understand (single quotes are PowerShell's only). Inside double quotes
// cmd.exe takes & | < > ( ) ^ ; , ' and spaces literally, and so does
// PowerShell; the program then splits its command line by the Windows
// rules (CommandLineToArgvW's, which Go follows), where backslashes
// before a " are escapes, so trailing ones are doubled ("C:\my dir\\"
// still names C:\my dir\). Where the two shells differ:
//   - $ and `: PowerShell expands $NAME, ${...}, $(...) and takes ` as
//     its escape inside double quotes; for PowerShell each gets a backtick
//     before it, which cmd.exe would keep: cmd.exe gets them bare. A $
//     before \, /, ., a space or the end is literal in PowerShell too
//     (\\host\C$\share) and is left alone for both.
//   - ": Windows file names cannot hold one. PowerShell gets `" (which
//     PowerShell 7.3 and later passes on as a "), cmd.exe \" (the
//     program's command-line rules).
//   - %: cmd.exe expands %NAME% even inside double quotes and has no
//     escape there (an undefined NAME is left as typed); it is left as is.
func quoteWindows(s string, sh shell) string {
	if s != "" && strings.Trim(s, windowsBare) == "" {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	backslashes := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			backslashes++
			b.WriteByte(c)
			continue
		case c == '"' && sh == powerShell:
			b.WriteString("`\"")
		case c == '"':
			b.WriteString(strings.Repeat(`\`, backslashes) + `\"`)
		case c == '`' && sh == powerShell:
			b.WriteString("``")
		case c == '$' && sh == powerShell && psExpands(s[i+1:]):
			b.WriteString("`$")
		default:
			b.WriteByte(c)
		}
		backslashes = 0
	}
	b.WriteString(strings.Repeat(`\`, backslashes)) // doubles the trailing ones
	b.WriteByte('"')
	return b.String()
}

// psExpands reports whether PowerShell reads a $ followed by rest, inside
// double quotes, as the start of a variable or subexpression: anything
// but the end or a character no variable name starts with.
func psExpands(rest string) bool {
	return rest != "" && !strings.ContainsRune(`\/. -,;`, rune(rest[0]))
}

// envShells are the shells of goos that fake-webex prints variable
// lines for: POSIX on Unix; PowerShell and cmd.exe on Windows.
func envShells(goos string) []shell {
	if shellFor(goos) == posixShell {
		return []shell{posixShell}
	}
	return []shell{powerShell, cmdShell}
}

// setEnvLine is the command that sets name to value in sh; name is a
// plain variable name (letters, digits, _).
func setEnvLine(sh shell, name, value string) string {
	switch sh {
	case powerShell:
		// A PowerShell string, not a program's argument: only `, $ and "
		// need its escape.
		r := strings.NewReplacer("`", "``", "$", "`$", `"`, "`\"")
		return "$env:" + name + ` = "` + r.Replace(value) + `"`
	case cmdShell:
		// set "NAME=value": the quotes keep & | < > ^ literal and any
		// trailing space out of the value; cmd.exe still expands %NAME%.
		return `set "` + name + "=" + value + `"`
	}
	return "export " + name + "=" + quotePOSIX(value)
}

// String names sh as the engineer knows it.
func (sh shell) String() string {
	switch sh {
	case powerShell:
		return "PowerShell"
	case cmdShell:
		return "cmd.exe"
	}
	return "POSIX shell"
}
