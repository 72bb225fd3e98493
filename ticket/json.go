package ticket

import (
	"encoding/hex"
	"encoding/json"
	"time"
)

// The JSON forms show each field for people and carry the canonical binary
// encoding in "encoding" (hex). The encoding is authoritative: decoding
// parses it strictly and refuses a document whose readable fields disagree
// with it.

type certificateJSON struct {
	ID        string `json:"id"`
	PublicKey string `json:"public_key"`
	WID       string `json:"wid"`
	Encoding  string `json:"encoding"`
}

func (c *Certificate) jsonForm() certificateJSON {
	return certificateJSON{ID: c.id, PublicKey: hex.EncodeToString(c.pub.Bytes()), WID: c.wid.String(),
		Encoding: hex.EncodeToString(c.Bytes())}
}

// MarshalJSON implements json.Marshaler. A nil Certificate is null; the
// zero Certificate has no encoding and is refused with ErrMalformed.
func (c *Certificate) MarshalJSON() ([]byte, error) {
	if c == nil {
		return []byte("null"), nil
	}
	if !c.complete() {
		return nil, errorf(ErrMalformed, "the zero Certificate has no encoding")
	}
	return json.Marshal(c.jsonForm())
}

// UnmarshalJSON implements json.Unmarshaler.
func (c *Certificate) UnmarshalJSON(b []byte) error {
	return unmarshalChecked(b, ParseCertificate, (*Certificate).jsonForm, c)
}

type requestJSON struct {
	Kind        string `json:"kind"`
	Event       string `json:"event"`
	Serial      string `json:"serial"`
	Merchant    string `json:"merchant"`
	Prev        string `json:"prev,omitempty"`
	Certificate string `json:"certificate"`
	Price       int64  `json:"price"`
	Payee       string `json:"payee,omitempty"`
	Time        string `json:"time"`
	Signature   string `json:"signature"`
	Encoding    string `json:"encoding"`
}

func (q *Request) jsonForm() requestJSON {
	j := requestJSON{Kind: q.Kind.String(), Event: q.Event, Serial: q.Serial,
		Merchant: hex.EncodeToString(q.Merchant.Bytes()), Certificate: q.Cert.ID(), Price: int64(q.Price),
		Time: q.Time.UTC().Format(time.RFC3339Nano), Signature: hex.EncodeToString(q.Sig),
		Encoding: hex.EncodeToString(q.Bytes())}
	if q.Kind != KindBuy {
		j.Prev = hex.EncodeToString(q.Prev[:])
	}
	if q.Kind == KindList || q.Kind == KindRefund || q.Kind == KindReturn {
		j.Payee = q.Payee.String()
	}
	return j
}

// MarshalJSON implements json.Marshaler. A nil Request is null; a request
// without a merchant key or a certificate is refused with ErrMalformed.
func (q *Request) MarshalJSON() ([]byte, error) {
	if q == nil {
		return []byte("null"), nil
	}
	if err := q.encodable(); err != nil {
		return nil, err
	}
	return json.Marshal(q.jsonForm())
}

// encodable checks that q has what its JSON form shows: a merchant key and
// a certificate.
func (q *Request) encodable() error {
	switch {
	case !pubOK(q.Merchant):
		return errorf(ErrMalformed, "request without a merchant key")
	case !q.Cert.complete():
		return errorf(ErrMalformed, "request without a certificate")
	}
	return nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (q *Request) UnmarshalJSON(b []byte) error {
	return unmarshalChecked(b, ParseRequest, (*Request).jsonForm, q)
}

type recordJSON struct {
	Hash             string      `json:"hash"`
	Request          requestJSON `json:"request"`
	Time             string      `json:"time"`
	SellerReputation int64       `json:"seller_reputation,omitempty"`
	SellerTransfers  uint32      `json:"seller_transfers,omitempty"`
	Tax              int64       `json:"tax,omitempty"`
	Payout           int64       `json:"payout,omitempty"`
	SignerDelta      int64       `json:"signer_reputation_change,omitempty"`
	SellerDelta      int64       `json:"seller_reputation_change,omitempty"`
	Consumption      string      `json:"consumption,omitempty"`
	MerchantSig      string      `json:"merchant_signature"`
	Encoding         string      `json:"encoding"`
}

func (rec *Record) jsonForm() recordJSON {
	h := rec.Hash()
	return recordJSON{Hash: hex.EncodeToString(h[:]), Request: rec.Request.jsonForm(),
		Time: rec.Time.UTC().Format(time.RFC3339Nano), SellerReputation: rec.Seller.Reputation,
		SellerTransfers: rec.Seller.Transfers, Tax: int64(rec.Tax), Payout: int64(rec.Payout),
		SignerDelta: rec.SignerReputation, SellerDelta: rec.SellerReputation,
		Consumption: hex.EncodeToString(rec.Consumption), MerchantSig: hex.EncodeToString(rec.MerchantSig),
		Encoding: hex.EncodeToString(rec.Bytes())}
}

// MarshalJSON implements json.Marshaler. A nil Record is null; a record
// without a request, or whose request has no merchant key or certificate,
// is refused with ErrMalformed.
func (rec *Record) MarshalJSON() ([]byte, error) {
	if rec == nil {
		return []byte("null"), nil
	}
	if rec.Request == nil {
		return nil, errorf(ErrMalformed, "record without a request")
	}
	if err := rec.Request.encodable(); err != nil {
		return nil, err
	}
	return json.Marshal(rec.jsonForm())
}

// UnmarshalJSON implements json.Unmarshaler.
func (rec *Record) UnmarshalJSON(b []byte) error {
	return unmarshalChecked(b, ParseRecord, (*Record).jsonForm, rec)
}

// unmarshalChecked decodes the "encoding" member of a JSON form with parse,
// checks that the whole document equals the form of the result, and stores
// the result in dst.
func unmarshalChecked[T any, J comparable](b []byte, parse func([]byte) (*T, error), form func(*T) J, dst *T) error {
	if dst == nil {
		return errorf(ErrMalformed, "UnmarshalJSON into a nil pointer")
	}
	var in J
	if err := json.Unmarshal(b, &in); err != nil {
		return errorf(ErrMalformed, "JSON: %w", err)
	}
	var enc struct {
		Encoding string `json:"encoding"`
	}
	if err := json.Unmarshal(b, &enc); err != nil {
		return errorf(ErrMalformed, "JSON: %w", err)
	}
	raw, err := hex.DecodeString(enc.Encoding)
	if err != nil {
		return errorf(ErrMalformed, "JSON encoding member: %w", err)
	}
	v, err := parse(raw)
	if err != nil {
		return err
	}
	if form(v) != in {
		return errorf(ErrMalformed, "readable JSON fields disagree with the encoding")
	}
	*dst = *v
	return nil
}

type ticketJSON struct {
	Event     string `json:"event"`
	Serial    string `json:"serial"`
	Merchant  string `json:"merchant"`
	Holder    string `json:"holder"`
	HolderKey string `json:"holder_key"`
	State     string `json:"state"`
	PaperCode int    `json:"paper_code"`
	Age       uint32 `json:"age"`
	Price     int64  `json:"price"`
	ListPrice int64  `json:"list_price,omitempty"`
	Payee     string `json:"payee,omitempty"`
	Issued    string `json:"issued"`
	Updated   string `json:"updated"`
	Head      string `json:"head"`
	EventHash string `json:"event_hash,omitempty"`
	Expires   string `json:"expires,omitempty"`
	Cancelled string `json:"cancelled,omitempty"`
}

// MarshalJSON implements json.Marshaler: a Ticket is derived state (Replay
// rebuilds it from records), so it has a readable JSON form only. "state"
// is the recorded State; with the event's terms the form shows their hash
// ("event_hash") and the event's end ("expires"), from which on a live
// ticket of an event not cancelled is expired (StateAt), and with a
// cancellation its time ("cancelled"). A nil Ticket is null; one without a
// merchant key or a holder certificate is refused with ErrMalformed.
func (t *Ticket) MarshalJSON() ([]byte, error) {
	if t == nil {
		return []byte("null"), nil
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	j := ticketJSON{Event: t.Event, Serial: t.Serial, Merchant: hex.EncodeToString(t.Merchant.Bytes()),
		Holder: t.Holder.ID(), HolderKey: hex.EncodeToString(t.Holder.PublicKey().Bytes()),
		State: t.State.String(), PaperCode: t.State.PaperCode(), Age: t.Age, Price: int64(t.Price),
		ListPrice: int64(t.ListPrice), Issued: t.Issued.UTC().Format(time.RFC3339Nano),
		Updated: t.Updated.UTC().Format(time.RFC3339Nano), Head: hex.EncodeToString(t.Head[:])}
	if t.State == Listed {
		j.Payee = t.Payee.String()
	}
	if t.Terms.complete() {
		h := t.Terms.Hash()
		j.EventHash, j.Expires = hex.EncodeToString(h[:]), jsonTime(t.Terms.terms.End)
	}
	if t.Cancellation.complete() {
		j.Cancelled = jsonTime(t.Cancellation.at)
	}
	return json.Marshal(j)
}
