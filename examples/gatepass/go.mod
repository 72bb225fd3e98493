module github.com/cbets/cbets/examples/gatepass

go 1.25.0

require (
	github.com/cbets/cbets v0.0.0-00010101000000-000000000000
	github.com/makiuchi-d/gozxing v0.1.1
	github.com/stretchr/testify v1.12.1
	github.com/yeqown/go-qrcode/v2 v2.3.0
)

require (
	github.com/btcsuite/btcd/btcutil v1.2.0 // indirect
	github.com/decred/dcrd/dcrec/secp256k1/v4 v4.4.1 // indirect
	github.com/yeqown/reedsolomon v1.0.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/crypto v0.55.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/text v0.41.0 // indirect
	golang.org/x/xerrors v0.0.0-20200804184101-5ec99f83aff1 // indirect
)

replace github.com/cbets/cbets => ../..
