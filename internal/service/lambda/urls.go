package lambda

// urlConfig is a function URL's configuration, stored per qualifier.
type urlConfig struct {
	URLID        string `json:"urlId"`
	AuthType     string `json:"authType"`
	InvokeMode   string `json:"invokeMode"`
	Cors         any    `json:"cors,omitempty"`
	CreationTime string `json:"creationTime"`
	LastModified string `json:"lastModified"`
}
