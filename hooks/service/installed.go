package service

import (
	"errors"
	"strings"
)

// Installed is what the service manager has on record for the service: the
// program and the fixed data folder and address of its command line.
type Installed struct {
	Executable string
	DataDir    string
	HTTP       string
}

// fromArgs reads Installed from a service command line split into arguments,
// the program first.
func fromArgs(args []string) Installed {
	var in Installed
	if len(args) > 0 {
		in.Executable = args[0]
	}
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--dir="); ok {
			in.DataDir = v
		}
		if v, ok := strings.CutPrefix(a, "--http="); ok {
			in.HTTP = v
		}
	}
	return in
}

// maxUnitLine bounds a line splitUnitCommand reads.
const maxUnitLine = 64 << 10

var errUnitLine = errors.New("service file: malformed command line")

// splitUnitCommand splits the command line kardianos writes into a systemd
// unit or an init script: the program with spaces escaped as \x20, then each
// argument in double quotes with \" inside.
func splitUnitCommand(line string) ([]string, error) {
	if len(line) > maxUnitLine {
		return nil, errUnitLine
	}
	line = strings.TrimSpace(line)
	if line == "" {
		return nil, errUnitLine
	}
	exe, rest, _ := strings.Cut(line, " ")
	out := []string{strings.ReplaceAll(exe, `\x20`, " ")}
	for {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			return out, nil
		}
		if rest[0] != '"' {
			// An unquoted word (edited by hand): up to the next space.
			w, r, _ := strings.Cut(rest, " ")
			out = append(out, w)
			rest = r
			continue
		}
		var b strings.Builder
		i := 1
		for ; i < len(rest); i++ {
			c := rest[i]
			if c == '\\' && i+1 < len(rest) && rest[i+1] == '"' {
				b.WriteByte('"')
				i++
				continue
			}
			if c == '"' {
				break
			}
			b.WriteByte(c)
		}
		if i >= len(rest) {
			return nil, errUnitLine // no closing quote
		}
		out = append(out, b.String())
		rest = rest[i+1:]
	}
}
