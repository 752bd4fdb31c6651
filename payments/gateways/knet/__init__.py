"""KNET's hosted payment page protocol: ``crypto`` (the trandata cipher), ``protocol`` (the
message formats, shared with the sandbox so both ends cannot drift apart), ``client`` (the
gateway adapter)."""
