package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ticket"
)

// maxFile bounds what cbets reads from a file or stdin: keys,
// certificates, terms and requests are far smaller.
const maxFile = 1 << 20

// readFile reads a file, or stdin when path is "-".
func (c *cli) readFile(path string) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = c.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name(path), err)
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("%s is larger than %d bytes", name(path), maxFile)
	}
	return b, nil
}

// name names a path in messages.
func name(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}

// output writes b and a newline to the file at path (created or
// truncated, mode 0644), or to stdout when path is "" or "-".
func (c *cli) output(path string, b []byte) error {
	b = append(bytes.Clone(b), '\n')
	if path == "" || path == "-" {
		_, err := c.stdout.Write(b)
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// printJSON writes v as indented JSON to the file at path, or stdout.
func (c *cli) printJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return c.output(path, b)
}

// writeKey writes a new key file: the hex of the secret scalar, mode 0600.
// It never overwrites a file: a key lost that way cannot be recovered.
func writeKey(path string, k *ecdsa.PrivateKey) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	raw := k.Bytes()
	defer clear(raw)
	_, err = fmt.Fprintf(f, "%x\n", raw)
	return errors.Join(err, f.Close())
}

// readKey reads a key file written by writeKey.
func (c *cli) readKey(path string) (*ecdsa.PrivateKey, error) {
	b, err := c.readFile(path)
	if err != nil {
		return nil, err
	}
	defer clear(b)
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("key file %s: not hex: %w", name(path), err)
	}
	defer clear(raw)
	k, err := ecdsa.ParsePrivateKey(raw)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", name(path), err)
	}
	return k, nil
}

// parsePublicKey parses a public key in hex (33 bytes compressed, or 65
// uncompressed).
func parsePublicKey(what, s string) (*ecdsa.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%s: not hex: %w", what, err)
	}
	p, err := ecdsa.ParsePublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return p, nil
}

// readJSON reads a file holding the JSON form of a ticket type.
func readJSON[T any](c *cli, what, path string) (*T, error) {
	b, err := c.readFile(path)
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("%s file %s: %w", what, name(path), err)
	}
	return v, nil
}

// readCert reads a certificate file (ticket.Certificate's JSON form).
func (c *cli) readCert(path string) (*ticket.Certificate, error) {
	cert, err := readJSON[ticket.Certificate](c, "certificate", path)
	if err == nil && cert.Bytes() == nil { // JSON null leaves the zero value
		err = fmt.Errorf("certificate file %s: no certificate", name(path))
	}
	return cert, err
}

// readRequest reads a request file (ticket.Request's JSON form).
func (c *cli) readRequest(path string) (*ticket.Request, error) {
	req, err := readJSON[ticket.Request](c, "request", path)
	if err == nil && req.Cert.Bytes() == nil { // JSON null leaves the zero value
		err = fmt.Errorf("request file %s: no request", name(path))
	}
	return req, err
}
