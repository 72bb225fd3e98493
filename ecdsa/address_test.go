package ecdsa_test

import (
	"crypto/sha256"
	"math/big"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/btcutil/base58"
	"github.com/cbets/cbets/ecdsa"
	"github.com/stretchr/testify/require"
	//lint:ignore SA1019 RIPEMD-160 is fixed by the address format (SPEC section 1).
	"golang.org/x/crypto/ripemd160"
)

// hash160 is RIPEMD160(SHA256(b)), computed here without the package.
func hash160(b []byte) [20]byte {
	sh := sha256.Sum256(b)
	r := ripemd160.New()
	r.Write(sh[:])
	var out [20]byte
	r.Sum(out[:0])
	return out
}

// base58check encodes version ‖ payload ‖ checksum without the package.
func base58check(version byte, payload []byte) string {
	return base58.CheckEncode(payload, version)
}

// Bitcoin's P2PKH address of the uncompressed public key of private key 1.
// Address hashes the compressed key only, so it never produces this string,
// but ParseAddress reads it like any other P2PKH address.
const bitcoinAddressKey1Uncompressed = "1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm"

func TestAddressBitcoinKnownAnswers(t *testing.T) {
	pub := keyFromInt(t, big.NewInt(1)).PublicKey()
	a := pub.Address(ecdsa.DefaultAddressVersion)
	require.Equal(t, bitcoinAddressKey1, a.String())
	require.Equal(t, byte(0x00), a.Version())
	require.Equal(t, hash160(baseG.compressed()), a.Hash())

	// hash160 of the uncompressed encoding gives Bitcoin's other address of
	// key 1.
	h := hash160(pub.UncompressedBytes())
	require.Equal(t, bitcoinAddressKey1Uncompressed, base58check(0x00, h[:]))
	u, err := ecdsa.ParseAddress(bitcoinAddressKey1Uncompressed, 0x00)
	require.NoError(t, err)
	require.Equal(t, h, u.Hash())
	require.NotEqual(t, a, u)
}

func TestAddressRoundTrip(t *testing.T) {
	pub := keyFromLabel(t, "cbets/ecdsa/test/address").PublicKey()
	for _, version := range []byte{0x00, 0x01, 0x05, 0x6f, 0x80, 0xff} {
		a := pub.Address(version)
		s := a.String()
		require.Equal(t, base58check(version, func() []byte { h := hash160(pub.Bytes()); return h[:] }()), s)
		got, err := ecdsa.ParseAddress(s, version)
		require.NoError(t, err, "version 0x%02x", version)
		require.Equal(t, a, got)
		require.Equal(t, s, got.String())
		require.Equal(t, version, got.Version())
	}
	// The version byte 0x00 encodes as a leading '1'.
	require.True(t, strings.HasPrefix(pub.Address(0x00).String(), "1"))
	require.False(t, strings.HasPrefix(pub.Address(0x05).String(), "1"))
}

func TestParseAddressInvalid(t *testing.T) {
	pub := keyFromLabel(t, "cbets/ecdsa/test/address").PublicKey()
	h := pub.Address(0x00).Hash()
	good := pub.Address(0x00).String()
	badChecksum := good[:len(good)-1] + string(nextBase58Char(good[len(good)-1]))
	zeroSum := base58.Encode(cat([]byte{0x00}, h[:], []byte{0, 0, 0, 0}))

	tests := []struct {
		name    string
		s       string
		version byte
		want    error
	}{
		{"empty", "", 0x00, ecdsa.ErrAddressEncoding},
		{"character 0", good[:4] + "0" + good[5:], 0x00, ecdsa.ErrAddressEncoding},
		{"character O", good[:4] + "O" + good[5:], 0x00, ecdsa.ErrAddressEncoding},
		{"character I", good[:4] + "I" + good[5:], 0x00, ecdsa.ErrAddressEncoding},
		{"character l", good[:4] + "l" + good[5:], 0x00, ecdsa.ErrAddressEncoding},
		{"character +", good + "+", 0x00, ecdsa.ErrAddressEncoding},
		{"space", " " + good, 0x00, ecdsa.ErrAddressEncoding},
		{"non-ASCII", good[:4] + "é" + good[5:], 0x00, ecdsa.ErrAddressEncoding},
		{"\"1\" decodes to one zero byte", "1", 0x00, ecdsa.ErrAddressLength},
		{"24 decoded bytes", base58check(0x00, h[:19]), 0x00, ecdsa.ErrAddressLength},
		{"26 decoded bytes", base58check(0x00, append(h[:], 0)), 0x00, ecdsa.ErrAddressLength},
		{"raw hash", base58.Encode(h[:]), 0x00, ecdsa.ErrAddressLength},
		{"25 zero bytes", strings.Repeat("1", 25), 0x00, ecdsa.ErrAddressChecksum},
		{"last character changed", badChecksum, 0x00, ecdsa.ErrAddressChecksum},
		{"zero checksum", zeroSum, 0x00, ecdsa.ErrAddressChecksum},
		{"hash byte changed", base58.Encode(cat([]byte{0x00}, flipBit(h[:], 0), checksumOf(cat([]byte{0x00}, h[:])))), 0x00, ecdsa.ErrAddressChecksum},
		// The checksum is checked before the version.
		{"bad checksum and wrong version", badChecksum, 0x05, ecdsa.ErrAddressChecksum},
		{"made with 0x00, want 0x05", good, 0x05, ecdsa.ErrAddressVersion},
		{"made with 0x05, want 0x00", pub.Address(0x05).String(), 0x00, ecdsa.ErrAddressVersion},
		{"made with 0x6f, want 0x00", pub.Address(0x6f).String(), 0x00, ecdsa.ErrAddressVersion},
	}
	sentinels := []error{ecdsa.ErrAddressEncoding, ecdsa.ErrAddressLength, ecdsa.ErrAddressChecksum, ecdsa.ErrAddressVersion}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ecdsa.ParseAddress(tt.s, tt.version)
			require.ErrorIs(t, err, tt.want)
			requireNoRepeatedPrefix(t, err)
			for _, other := range sentinels {
				if other != tt.want {
					require.NotErrorIs(t, err, other)
				}
			}
			require.Equal(t, ecdsa.Address{}, a)
		})
	}
}

func checksumOf(payload []byte) []byte {
	h1 := sha256.Sum256(payload)
	h2 := sha256.Sum256(h1[:])
	return h2[:4]
}

// nextBase58Char returns another base58 character than c.
func nextBase58Char(c byte) byte {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	i := strings.IndexByte(alphabet, c)
	return alphabet[(i+1)%len(alphabet)]
}
