/**
 * The journal tool, {@code scripts/journal}: dump, verify, stats and replay ("time travel" to a
 * position, printing the state hash there) over a journal directory, and repair, which cuts a
 * damaged journal after a position and says what that drops. Output is {@code key: value}
 * lines so scripts can read it; exit codes say whether a journal is sound.
 */
package io.ringlog.journal.tool;
