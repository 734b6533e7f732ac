package sqs

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
)

// A receipt handle identifies one receive of one message: the queue, the
// message's seq and the nonce of the receive that returned it. It is
// opaque to clients: base64url of a version byte, the three numbers and a
// CRC-32C of them, so that strings that were never handed out are
// rejected as invalid.
type receipt struct {
	queueID int64
	seq     int64
	nonce   int64
}

const (
	receiptVersion = 1
	receiptLen     = 1 + 8 + 8 + 8 + 4
)

var (
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
	// Strict decoding rejects non-zero padding bits, so that every handle
	// has exactly one spelling.
	receiptEncoding = base64.RawURLEncoding.Strict()
)

func (r receipt) String() string {
	var b [receiptLen]byte
	b[0] = receiptVersion
	binary.BigEndian.PutUint64(b[1:], uint64(r.queueID))
	binary.BigEndian.PutUint64(b[9:], uint64(r.seq))
	binary.BigEndian.PutUint64(b[17:], uint64(r.nonce))
	binary.BigEndian.PutUint32(b[25:], crc32.Checksum(b[:25], castagnoli))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// parseReceipt decodes a receipt handle; ok is false for anything that is
// not a handle this service issued.
func parseReceipt(s string) (receipt, bool) {
	if base64.RawURLEncoding.DecodedLen(len(s)) != receiptLen {
		return receipt{}, false
	}
	var b [receiptLen]byte
	n, err := receiptEncoding.Decode(b[:], []byte(s))
	if err != nil || n != receiptLen || b[0] != receiptVersion {
		return receipt{}, false
	}
	if binary.BigEndian.Uint32(b[25:]) != crc32.Checksum(b[:25], castagnoli) {
		return receipt{}, false
	}
	r := receipt{
		queueID: int64(binary.BigEndian.Uint64(b[1:])),
		seq:     int64(binary.BigEndian.Uint64(b[9:])),
		nonce:   int64(binary.BigEndian.Uint64(b[17:])),
	}
	if r.queueID <= 0 || r.seq <= 0 || r.nonce <= 0 {
		return receipt{}, false
	}
	return r, true
}
