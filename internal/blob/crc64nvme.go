package blob

import (
	"hash"

	"github.com/minio/crc64nvme"
)

// CRC64NVME is S3's CRC-64/NVME (the x-amz-checksum-crc64nvme algorithm),
// computed by github.com/minio/crc64nvme (carry-less multiplication on
// amd64 and arm64, slicing-by-8 tables elsewhere).

// UpdateCRC64NVME returns the CRC-64/NVME of the bytes hashed into crc
// followed by p (crc 0 starts a new checksum).
func UpdateCRC64NVME(crc uint64, p []byte) uint64 { return crc64nvme.Update(crc, p) }

// NewCRC64NVME returns a hash.Hash64 computing CRC-64/NVME; Sum appends the
// checksum big-endian, as S3 encodes it.
func NewCRC64NVME() hash.Hash64 { return crc64nvme.New() }
