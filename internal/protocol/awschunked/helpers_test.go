package awschunked

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// dummySig is the chunk signature written when a body is signed without a
// key (framing tests).
var dummySig = strings.Repeat("0", 64)

// encoding describes a body for encode.
type encoding struct {
	mode     Mode
	signer   *Verifier   // signs chunks and trailers; nil writes dummySig
	chunk    int         // data chunk size
	trailers [][2]string // trailing headers, in order
}

// encode frames data as aws-chunked the way the SDKs do.
func encode(data []byte, e encoding) []byte {
	var b bytes.Buffer
	prev := ""
	if e.signer != nil {
		prev = e.signer.Seed
	}
	writeChunk := func(d []byte) {
		b.WriteString(strconv.FormatInt(int64(len(d)), 16))
		if e.mode.Signed {
			sig := dummySig
			if e.signer != nil {
				sum := sha256.Sum256(d)
				sig = e.signer.chunkSignature(prev, hex.EncodeToString(sum[:]))
				prev = sig
			}
			b.WriteString(chunkSignaturePrefix + sig)
		}
		b.WriteString("\r\n")
		b.Write(d)
		if len(d) > 0 {
			b.WriteString("\r\n")
		}
	}
	for len(data) > 0 {
		n := min(e.chunk, len(data))
		writeChunk(data[:n])
		data = data[n:]
	}
	writeChunk(nil)
	var canonical []byte
	for _, t := range e.trailers {
		b.WriteString(t[0] + ":" + t[1] + "\r\n")
		canonical = append(canonical, t[0]+":"+t[1]+"\n"...)
	}
	if e.mode.Trailer && e.mode.Signed {
		sig := dummySig
		if e.signer != nil {
			sig = e.signer.trailerSignature(prev, canonical)
		}
		b.WriteString(trailerSignature + ":" + sig + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}
