module github.com/cbets/cbets/bench/libsecp

go 1.25.0

replace github.com/cbets/cbets => ../..

require (
	github.com/cbets/cbets v0.0.0-00010101000000-000000000000
	github.com/decred/dcrd/dcrec/secp256k1/v4 v4.4.1
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/btcsuite/btcd/btcutil v1.2.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/crypto v0.55.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
)
