/**
 * krayin-call-cuts (issue 11): a sync round tells the Krayin steps after it what it already knows. A
 * lead created for this round's conversations starts in their stage; the conversation steps neither
 * re-verify nor re-read a lead the round verified or created; a linked organization is verified through
 * the person read instead of a read of its own; and the stage step runs only for triggers some rule
 * reacts to (docs/performance.md, "Krayin calls per event"). Runs recorded before it keep their reads.
 * Shared by contact-steps.ts and conversation-flow.ts (which contact-steps imports), hence its own module.
 */
export const CALL_CUTS_PATCH = 'krayin-call-cuts';
