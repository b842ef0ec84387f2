package indexer

// MembersOnly counts the members-only documents in the store, live and in
// the trash. The web server asks before it hands out a backup or the trash
// list to a client without the write token.
func (kb *KB) MembersOnly() (int, error) { return kb.store.MembersOnly() }
