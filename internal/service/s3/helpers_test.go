package s3_test

import "github.com/aws/aws-sdk-go-v2/credentials"

// staticCreds are keys of another account (a 12-digit key id is its own account).
func staticCreds(account string) credentials.StaticCredentialsProvider {
	return credentials.NewStaticCredentialsProvider(account, "secret", "")
}
