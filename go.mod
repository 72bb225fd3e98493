module github.com/cbets/cbets

go 1.25.0

require (
	github.com/btcsuite/btcd/btcutil v1.2.0
	github.com/decred/dcrd/dcrec/secp256k1/v4 v4.4.1
	github.com/stretchr/testify v1.12.1
	golang.org/x/crypto v0.55.0
	golang.org/x/sys v0.47.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
