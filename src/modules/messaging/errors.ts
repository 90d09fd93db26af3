import { defineProblems, problem } from '../../platform/http/problem.ts';

/** Refusals of messaging (ADR 0017). Each says what is wrong and what to do. */
export const messagingProblems = defineProblems({
  MESSAGE_NOT_FOUND: problem(
    404,
    { it: 'Messaggio non trovato', en: 'Message not found' },
    {
      it: 'Nessun messaggio con questo numero tra quelli che può vedere. Controlli il numero nell’elenco dei messaggi.',
      en: 'No message with this number among those you can see. Check the number in the list of messages.',
    },
  ),
});
