package runtime

import "syscall"

// sysProcAttr puts the function in its own process group (so a timeout kills
// its children too) and kills it if hako dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }
