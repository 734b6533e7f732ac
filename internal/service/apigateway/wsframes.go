package apigateway

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync/atomic"
)

// API Gateway limits WebSocket frames to 32 KB (messages to 128 KB; larger
// messages are sent as several frames). The WebSocket library reassembles
// frames before hako sees a message, so frameWatch reads the client's
// bytes on their way to it and flags a frame whose payload is over the
// limit; the read loop then closes the connection with 1009 (Message too
// big), as for an oversized message.

const wsFrameLimit = 32 << 10

// frameWatchWriter wraps the handshake's ResponseWriter so that the
// connection the WebSocket library hijacks reads through a frameWatch.
type frameWatchWriter struct {
	http.ResponseWriter
	watch *frameWatch
}

func (w frameWatchWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	// What the server buffered is read before the connection, through the
	// watch (the server's buffer stays the one that reads the socket); the
	// library gets a minimal buffer in front of the watched conn, so a
	// connection holds no more memory than without the watch.
	w.watch.src = brw.Reader
	return watchedConn{Conn: nc, w: w.watch}, bufio.NewReadWriter(bufio.NewReaderSize(eofReader{}, 16), brw.Writer), nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

type watchedConn struct {
	net.Conn
	w *frameWatch
}

func (c watchedConn) Read(p []byte) (int, error) { return c.w.Read(p) }

// frameWatch parses frame headers in the byte stream it passes through.
type frameWatch struct {
	src     io.Reader
	tooBig  atomic.Bool
	hdr     [14]byte
	hdrLen  int    // header bytes gathered
	skip    uint64 // payload bytes of the current frame still to pass
	inFrame bool
}

func (f *frameWatch) Read(p []byte) (int, error) {
	n, err := f.src.Read(p)
	f.scan(p[:n])
	return n, err
}

// scan follows frame boundaries through b.
func (f *frameWatch) scan(b []byte) {
	for len(b) > 0 {
		if f.inFrame {
			k := uint64(len(b))
			if k > f.skip {
				k = f.skip
			}
			f.skip -= k
			b = b[k:]
			if f.skip == 0 {
				f.inFrame = false
			}
			continue
		}
		f.hdr[f.hdrLen] = b[0]
		f.hdrLen++
		b = b[1:]
		if f.hdrLen < 2 {
			continue
		}
		need := 2
		switch f.hdr[1] & 0x7f {
		case 126:
			need += 2
		case 127:
			need += 8
		}
		if f.hdr[1]&0x80 != 0 {
			need += 4 // masking key
		}
		if f.hdrLen < need {
			continue
		}
		var size uint64
		switch l := f.hdr[1] & 0x7f; l {
		case 126:
			size = uint64(f.hdr[2])<<8 | uint64(f.hdr[3])
		case 127:
			for i := 2; i < 10; i++ {
				size = size<<8 | uint64(f.hdr[i])
			}
		default:
			size = uint64(l)
		}
		if size > wsFrameLimit {
			f.tooBig.Store(true)
		}
		f.hdrLen, f.skip, f.inFrame = 0, size, size > 0
	}
}
