#!/bin/sh
# Test helper for CommandExecutorTest: builds a process tree DEPTH levels below this process, two children per
# process. Every process appends its PID to PIDFILE and then becomes a long sleep (exec keeps the PID).
# Usage: spawn-tree.sh PIDFILE DEPTH
pidfile=$1
depth=$2
echo $$ >> "$pidfile"
if [ "$depth" -gt 0 ]; then
  "$0" "$pidfile" $((depth - 1)) &
  "$0" "$pidfile" $((depth - 1)) &
fi
echo "started $$"
exec sleep 120
