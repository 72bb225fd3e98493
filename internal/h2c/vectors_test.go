package h2c

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// Test vectors of RFC 9380: Appendix K.1 (expand_message_xmd with SHA-256)
// and Appendix J.8.1 (suite secp256k1_XMD:SHA-256_SSWU_RO_).

// rfcSuiteDST is the tag of the RFC 9380 Appendix J.8.1 vectors.  It is for
// tests only; the project uses DST.
const rfcSuiteDST = "QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_"

// Tags of the RFC 9380 Appendix K.1 vectors: a short one and one of 256
// bytes, which section 5.3.3 requires to be hashed first.
var (
	expandShortDST = "QUUX-V01-CS02-with-expander-SHA256-128"
	expandLongDST  = "QUUX-V01-CS02-with-expander-SHA256-128-long-DST-" + strings.Repeat("1", 208)
)

// Messages of the RFC 9380 vectors.
var (
	q128 = "q128_" + strings.Repeat("q", 128)
	a512 = "a512_" + strings.Repeat("a", 512)
)

type expandVector struct {
	msg     string
	length  int
	uniform string
}

type vecPoint struct{ x, y string }

type curveVector struct {
	msg       string
	u0, u1    string
	q0, q1, p vecPoint
}

// RFC 9380 Appendix K.1, expand_message_xmd(SHA-256).
// expandShortDSTPrime is DST' for these vectors.
const expandShortDSTPrime = "515555582d5630312d435330322d776974682d657870616e6465722d5348413235362d31323826"

var expandShortDSTVectors = []expandVector{
	{msg: "", length: 32, uniform: "68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235"},
	{msg: "abc", length: 32, uniform: "d8ccab23b5985ccea865c6c97b6e5b8350e794e603b4b97902f53a8a0d605615"},
	{msg: "abcdef0123456789", length: 32, uniform: "eff31487c770a893cfb36f912fbfcbff40d5661771ca4b2cb4eafe524333f5c1"},
	{msg: q128, length: 32, uniform: "b23a1d2b4d97b2ef7785562a7e8bac7eed54ed6e97e29aa51bfe3f12ddad1ff9"},
	{msg: a512, length: 32, uniform: "4623227bcc01293b8c130bf771da8c298dede7383243dc0993d2d94823958c4c"},
	{msg: "", length: 128, uniform: "af84c27ccfd45d41914fdff5df25293e221afc53d8ad2ac06d5e3e29485dadbe" +
		"e0d121587713a3e0dd4d5e69e93eb7cd4f5df4cd103e188cf60cb02edc3edf18" +
		"eda8576c412b18ffb658e3dd6ec849469b979d444cf7b26911a08e63cf31f9dc" +
		"c541708d3491184472c2c29bb749d4286b004ceb5ee6b9a7fa5b646c993f0ced"},
	{msg: "abc", length: 128, uniform: "abba86a6129e366fc877aab32fc4ffc70120d8996c88aee2fe4b32d6c7b6437a" +
		"647e6c3163d40b76a73cf6a5674ef1d890f95b664ee0afa5359a5c4e07985635" +
		"bbecbac65d747d3d2da7ec2b8221b17b0ca9dc8a1ac1c07ea6a1e60583e2cb00" +
		"058e77b7b72a298425cd1b941ad4ec65e8afc50303a22c0f99b0509b4c895f40"},
	{msg: "abcdef0123456789", length: 128, uniform: "ef904a29bffc4cf9ee82832451c946ac3c8f8058ae97d8d629831a74c6572bd9" +
		"ebd0df635cd1f208e2038e760c4994984ce73f0d55ea9f22af83ba4734569d4b" +
		"c95e18350f740c07eef653cbb9f87910d833751825f0ebefa1abe5420bb52be1" +
		"4cf489b37fe1a72f7de2d10be453b2c9d9eb20c7e3f6edc5a60629178d9478df"},
	{msg: q128, length: 128, uniform: "80be107d0884f0d881bb460322f0443d38bd222db8bd0b0a5312a6fedb49c1bb" +
		"d88fd75d8b9a09486c60123dfa1d73c1cc3169761b17476d3c6b7cbbd727acd0" +
		"e2c942f4dd96ae3da5de368d26b32286e32de7e5a8cb2949f866a0b80c58116b" +
		"29fa7fabb3ea7d520ee603e0c25bcaf0b9a5e92ec6a1fe4e0391d1cdbce8c68a"},
	{msg: a512, length: 128, uniform: "546aff5444b5b79aa6148bd81728704c32decb73a3ba76e9e75885cad9def1d0" +
		"6d6792f8a7d12794e90efed817d96920d728896a4510864370c207f99bd4a608" +
		"ea121700ef01ed879745ee3e4ceef777eda6d9e5e38b90c86ea6fb0b36504ba4" +
		"a45d22e86f6db5dd43d98a294bebb9125d5b794e9d2a81181066eb954966a487"},
}

// expandLongDSTPrime is DST' for these vectors.
const expandLongDSTPrime = "412717974da474d0f8c420f320ff81e8432adb7c927d9bd082b4fb4d16c0a23620"

var expandLongDSTVectors = []expandVector{
	{msg: "", length: 32, uniform: "e8dc0c8b686b7ef2074086fbdd2f30e3f8bfbd3bdf177f73f04b97ce618a3ed3"},
	{msg: "abc", length: 32, uniform: "52dbf4f36cf560fca57dedec2ad924ee9c266341d8f3d6afe5171733b16bbb12"},
	{msg: "abcdef0123456789", length: 32, uniform: "35387dcf22618f3728e6c686490f8b431f76550b0b2c61cbc1ce7001536f4521"},
	{msg: q128, length: 32, uniform: "01b637612bb18e840028be900a833a74414140dde0c4754c198532c3a0ba42bc"},
	{msg: a512, length: 32, uniform: "20cce7033cabc5460743180be6fa8aac5a103f56d481cf369a8accc0c374431b"},
	{msg: "", length: 128, uniform: "14604d85432c68b757e485c8894db3117992fc57e0e136f71ad987f789a0abc2" +
		"87c47876978e2388a02af86b1e8d1342e5ce4f7aaa07a87321e691f6fba7e007" +
		"2eecc1218aebb89fb14a0662322d5edbd873f0eb35260145cd4e64f748c5dfe6" +
		"0567e126604bcab1a3ee2dc0778102ae8a5cfd1429ebc0fa6bf1a53c36f55dfc"},
	{msg: "abc", length: 128, uniform: "1a30a5e36fbdb87077552b9d18b9f0aee16e80181d5b951d0471d55b66684914" +
		"aef87dbb3626eaabf5ded8cd0686567e503853e5c84c259ba0efc37f71c839da" +
		"2129fe81afdaec7fbdc0ccd4c794727a17c0d20ff0ea55e1389d6982d1241cb8" +
		"d165762dbc39fb0cee4474d2cbbd468a835ae5b2f20e4f959f56ab24cd6fe267"},
	{msg: "abcdef0123456789", length: 128, uniform: "d2ecef3635d2397f34a9f86438d772db19ffe9924e28a1caf6f1c8f15603d402" +
		"8f40891044e5c7e39ebb9b31339979ff33a4249206f67d4a1e7c765410bcd249" +
		"ad78d407e303675918f20f26ce6d7027ed3774512ef5b00d816e51bfcc96c353" +
		"9601fa48ef1c07e494bdc37054ba96ecb9dbd666417e3de289d4f424f502a982"},
	{msg: q128, length: 128, uniform: "ed6e8c036df90111410431431a232d41a32c86e296c05d426e5f44e75b9a50d3" +
		"35b2412bc6c91e0a6dc131de09c43110d9180d0a70f0d6289cb4e43b05f7ee5e" +
		"9b3f42a1fad0f31bac6a625b3b5c50e3a83316783b649e5ecc9d3b1d9471cb50" +
		"24b7ccf40d41d1751a04ca0356548bc6e703fca02ab521b505e8e45600508d32"},
	{msg: a512, length: 128, uniform: "78b53f2413f3c688f07732c10e5ced29a17c6a16f717179ffbe38d92d6c9ec29" +
		"6502eb9889af83a1928cd162e845b0d3c5424e83280fed3d10cffb2f8431f14e" +
		"7a23f4c68819d40617589e4c41169d0b56e0e3535be1fd71fbb08bb70c5b5ffe" +
		"d953d6c14bf7618b35fc1f4c4b30538236b4b08c9fbf90462447a8ada60be495"},
}

// RFC 9380 Appendix J.8.1, secp256k1_XMD:SHA-256_SSWU_RO_.
var hashToCurveVectors = []curveVector{
	{
		msg: "",
		u0:  "6b0f9910dd2ba71c78f2ee9f04d73b5f4c5f7fc773a701abea1e573cab002fb3",
		u1:  "1ae6c212e08fe1a5937f6202f929a2cc8ef4ee5b9782db68b0d5799fd8f09e16",
		q0: vecPoint{
			x: "74519ef88b32b425a095e4ebcc84d81b64e9e2c2675340a720bb1a1857b99f1e",
			y: "c174fa322ab7c192e11748beed45b508e9fdb1ce046dee9c2cd3a2a86b410936",
		},
		q1: vecPoint{
			x: "44548adb1b399263ded3510554d28b4bead34b8cf9a37b4bd0bd2ba4db87ae63",
			y: "96eb8e2faf05e368efe5957c6167001760233e6dd2487516b46ae725c4cce0c6",
		},
		p: vecPoint{
			x: "c1cae290e291aee617ebaef1be6d73861479c48b841eaba9b7b5852ddfeb1346",
			y: "64fa678e07ae116126f08b022a94af6de15985c996c3a91b64c406a960e51067",
		},
	},
	{
		msg: "abc",
		u0:  "128aab5d3679a1f7601e3bdf94ced1f43e491f544767e18a4873f397b08a2b61",
		u1:  "5897b65da3b595a813d0fdcc75c895dc531be76a03518b044daaa0f2e4689e00",
		q0: vecPoint{
			x: "07dd9432d426845fb19857d1b3a91722436604ccbbbadad8523b8fc38a5322d7",
			y: "604588ef5138cffe3277bbd590b8550bcbe0e523bbaf1bed4014a467122eb33f",
		},
		q1: vecPoint{
			x: "e9ef9794d15d4e77dde751e06c182782046b8dac05f8491eb88764fc65321f78",
			y: "cb07ce53670d5314bf236ee2c871455c562dd76314aa41f012919fe8e7f717b3",
		},
		p: vecPoint{
			x: "3377e01eab42db296b512293120c6cee72b6ecf9f9205760bd9ff11fb3cb2c4b",
			y: "7f95890f33efebd1044d382a01b1bee0900fb6116f94688d487c6c7b9c8371f6",
		},
	},
	{
		msg: "abcdef0123456789",
		u0:  "ea67a7c02f2cd5d8b87715c169d055a22520f74daeb080e6180958380e2f98b9",
		u1:  "7434d0d1a500d38380d1f9615c021857ac8d546925f5f2355319d823a478da18",
		q0: vecPoint{
			x: "576d43ab0260275adf11af990d130a5752704f79478628761720808862544b5d",
			y: "643c4a7fb68ae6cff55edd66b809087434bbaff0c07f3f9ec4d49bb3c16623c3",
		},
		q1: vecPoint{
			x: "f89d6d261a5e00fe5cf45e827b507643e67c2a947a20fd9ad71039f8b0e29ff8",
			y: "b33855e0cc34a9176ead91c6c3acb1aacb1ce936d563bc1cee1dcffc806caf57",
		},
		p: vecPoint{
			x: "bac54083f293f1fe08e4a70137260aa90783a5cb84d3f35848b324d0674b0e3a",
			y: "4436476085d4c3c4508b60fcf4389c40176adce756b398bdee27bca19758d828",
		},
	},
	{
		msg: q128,
		u0:  "eda89a5024fac0a8207a87e8cc4e85aa3bce10745d501a30deb87341b05bcdf5",
		u1:  "dfe78cd116818fc2c16f3837fedbe2639fab012c407eac9dfe9245bf650ac51d",
		q0: vecPoint{
			x: "9c91513ccfe9520c9c645588dff5f9b4e92eaf6ad4ab6f1cd720d192eb58247a",
			y: "c7371dcd0134412f221e386f8d68f49e7fa36f9037676e163d4a063fbf8a1fb8",
		},
		q1: vecPoint{
			x: "10fee3284d7be6bd5912503b972fc52bf4761f47141a0015f1c6ae36848d869b",
			y: "0b163d9b4bf21887364332be3eff3c870fa053cf508732900fc69a6eb0e1b672",
		},
		p: vecPoint{
			x: "e2167bc785333a37aa562f021f1e881defb853839babf52a7f72b102e41890e9",
			y: "f2401dd95cc35867ffed4f367cd564763719fbc6a53e969fb8496a1e6685d873",
		},
	},
	{
		msg: a512,
		u0:  "8d862e7e7e23d7843fe16d811d46d7e6480127a6b78838c277bca17df6900e9f",
		u1:  "68071d2530f040f081ba818d3c7188a94c900586761e9115efa47ae9bd847938",
		q0: vecPoint{
			x: "b32b0ab55977b936f1e93fdc68cec775e13245e161dbfe556bbb1f72799b4181",
			y: "2f5317098360b722f132d7156a94822641b615c91f8663be69169870a12af9e8",
		},
		q1: vecPoint{
			x: "148f98780f19388b9fa93e7dc567b5a673e5fca7079cd9cdafd71982ec4c5e12",
			y: "3989645d83a433bc0c001f3dac29af861f33a6fd1e04f4b36873f5bff497298a",
		},
		p: vecPoint{
			x: "e3c8d35aaaf0b9b647e88a0a0a7ee5d5bed5ad38238152e4e6fd8c1f8cb7c998",
			y: "8446eeb6181bf12f56a9d24e262221cc2f0c4725c7e3803024b5888ee5823aa6",
		},
	},
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func mustField(t testing.TB, s string) secp256k1.FieldVal {
	t.Helper()
	b := mustHex(t, s)
	require.Len(t, b, 32)
	var f secp256k1.FieldVal
	require.False(t, f.SetByteSlice(b), "value %s not reduced", s)
	return f
}

func fieldHex(f *secp256k1.FieldVal) string {
	var t secp256k1.FieldVal
	t.Set(f).Normalize()
	b := t.Bytes()
	return hex.EncodeToString(b[:])
}

// requireAffine checks that the Jacobian point p represents the affine
// point want.
func requireAffine(t *testing.T, want vecPoint, p *secp256k1.JacobianPoint, name string) {
	t.Helper()
	var a secp256k1.JacobianPoint
	a.Set(p)
	a.ToAffine()
	require.Equal(t, want.x, fieldHex(&a.X), "%s.x", name)
	require.Equal(t, want.y, fieldHex(&a.Y), "%s.y", name)
}

func TestExpandMessageXMDVectors(t *testing.T) {
	sets := []struct {
		name     string
		dst      string
		dstPrime string
		vectors  []expandVector
	}{
		{"short DST", expandShortDST, expandShortDSTPrime, expandShortDSTVectors},
		{"DST over 255 bytes", expandLongDST, expandLongDSTPrime, expandLongDSTVectors},
	}
	require.Len(t, expandShortDST, 38)
	require.Len(t, expandLongDST, 256)

	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			// DST' as section 5.3.1 and 5.3.3 define it.
			tag := []byte(set.dst)
			if len(tag) > 255 {
				h := sha256.Sum256(append([]byte("H2C-OVERSIZE-DST-"), tag...))
				tag = h[:]
			}
			require.Equal(t, set.dstPrime, hex.EncodeToString(append(tag, byte(len(tag)))))

			for _, v := range set.vectors {
				out, err := ExpandMessageXMD([]byte(v.msg), []byte(set.dst), v.length)
				require.NoError(t, err)
				require.Equal(t, v.uniform, hex.EncodeToString(out),
					"msg %.20q len %d", v.msg, v.length)

				// The hashed tag used directly gives the same bytes.
				out2, err := ExpandMessageXMD([]byte(v.msg), tag, v.length)
				require.NoError(t, err)
				require.Equal(t, out, out2)
			}
		})
	}
}

func TestHashToCurveVectors(t *testing.T) {
	dst := []byte(rfcSuiteDST)
	for _, v := range hashToCurveVectors {
		t.Run(strings.TrimRight(v.msg[:min(len(v.msg), 5)], "_"), func(t *testing.T) {
			msg := []byte(v.msg)

			// u0, u1 = hash_to_field(msg, 2)
			u, err := HashToField(msg, dst, 2)
			require.NoError(t, err)
			require.Len(t, u, 2)
			require.Equal(t, v.u0, fieldHex(&u[0]), "u0")
			require.Equal(t, v.u1, fieldHex(&u[1]), "u1")

			// Q0 = map_to_curve(u0), Q1 = map_to_curve(u1)
			u0, u1 := mustField(t, v.u0), mustField(t, v.u1)
			q0 := MapToCurve(&u0)
			q1 := MapToCurve(&u1)
			requireAffine(t, v.q0, &q0, "Q0")
			requireAffine(t, v.q1, &q1, "Q1")

			// P = Q0 + Q1, returned in affine form.
			p, err := HashToCurve(msg, dst)
			require.NoError(t, err)
			require.True(t, p.Z.IsOne(), "Z must be 1")
			require.Equal(t, v.p.x, fieldHex(&p.X), "P.x")
			require.Equal(t, v.p.y, fieldHex(&p.Y), "P.y")

			// The math/big reference agrees at every step.
			rq0 := refMapToCurve(fieldToBig(&u0))
			rq1 := refMapToCurve(fieldToBig(&u1))
			require.Equal(t, v.q0.x, hex.EncodeToString(rq0.x.FillBytes(make([]byte, 32))))
			require.Equal(t, v.q1.y, hex.EncodeToString(rq1.y.FillBytes(make([]byte, 32))))
			rp := refHashToCurve(msg, dst)
			require.Equal(t, v.p.x, hex.EncodeToString(rp.x.FillBytes(make([]byte, 32))))
			require.Equal(t, v.p.y, hex.EncodeToString(rp.y.FillBytes(make([]byte, 32))))
		})
	}
}
