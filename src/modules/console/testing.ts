/**
 * Somebody in no registry, born in Rome in 1940, who spends the campaign in Cremona: the consoles' tests
 * register them (REG-6, ELIG-17).
 */
export const NEWCOMER = {
  surname: 'Bianchi',
  givenName: 'Anna',
  sex: 'F',
  birthDate: '1940-03-05',
  birthPlaceCode: 'H501',
} as const;
