package main

import (
	"crypto/rand"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/tax"
)

func runProtocolForTest(transfers int) (*protocolRun, error) {
	registrar, err := ecdsa.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	scale, err := tax.NewScale(100)
	if err != nil {
		return nil, err
	}
	return runProtocol(registrar, scale, transfers)
}
