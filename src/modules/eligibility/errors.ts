import { defineProblems, problem } from '../../platform/http/problem.ts';

/** Refusals of the campaign rules (spec 20-eligibility.md). Each says what is wrong and what to do. */
export const eligibilityProblems = defineProblems({
  PLAN_VERSION_CONFLICT: problem(
    409,
    {
      it: 'Versione del piano già caricata con altro contenuto',
      en: 'Plan version already loaded with other content',
    },
    {
      it: 'La versione {versionId} è già caricata e diversa da questo file: una versione non si modifica mai (ELIG-1). Dia al file un nuovo identificativo e una nuova data di decorrenza.',
      en: 'Version {versionId} is already loaded and differs from this file: a version is never changed (ELIG-1). Give the file a new id and a new effective date.',
    },
  ),
  PLAN_VERSION_DATE_TAKEN: problem(
    409,
    { it: 'Decorrenza già occupata', en: 'Effective date already taken' },
    {
      it: 'Un’altra versione dello stesso ambito decorre già dal {effectiveFrom}: scelga un’altra data.',
      en: 'Another version of the same scope already takes effect on {effectiveFrom}: choose another date.',
    },
  ),
  PLAN_VERSION_INVALID: problem(
    400,
    { it: 'File del piano non valido', en: 'Invalid plan file' },
    {
      it: 'Il file {file} non è una versione valida del piano: {problems}',
      en: 'File {file} is not a valid plan version: {problems}',
    },
  ),
  PLAN_NOT_IN_FORCE: problem(
    503,
    { it: 'Nessun piano in vigore', en: 'No plan in force' },
    {
      it: 'Non è caricata nessuna versione nazionale del piano in vigore il {date}: l’amministratore regionale deve caricarla (vaxhub plan load).',
      en: 'No national plan version in force on {date} is loaded: the regional administrator must load one (vaxhub plan load).',
    },
  ),
  CONDITION_UNKNOWN: problem(
    400,
    { it: 'Patologia non in tabella', en: 'Condition not in the table' },
    {
      it: 'La patologia «{conditionCode}» non è tra quelle della Tabella 1 delle persone estremamente vulnerabili. La scelga dall’elenco.',
      en: 'Condition "{conditionCode}" is not one of Table 1 of extremely vulnerable people. Pick it from the list.',
    },
  ),
  CONDITION_REQUIRED: problem(
    400,
    { it: 'Indicare la patologia', en: 'Give the condition' },
    {
      it: 'Per l’elevata vulnerabilità va indicata la patologia della Tabella 1: da essa dipende chi altro può vaccinarsi (conviventi).',
      en: 'For extreme vulnerability the Table 1 condition is needed: it decides who else may be vaccinated (cohabitants).',
    },
  ),
  CATEGORY_NOT_IN_PLAN: problem(
    400,
    { it: 'Categoria non prevista dal piano', en: 'Category not in the plan' },
    {
      it: 'La categoria «{category}» non è una categoria del piano in vigore che si attribuisce con un’abilitazione. Categorie possibili: {categories}.',
      en: 'Category "{category}" is not a category of the plan in force given by an entitlement. Possible categories: {categories}.',
    },
  ),
  ENTITLEMENT_NOT_FOUND: problem(
    404,
    { it: 'Abilitazione non trovata', en: 'Entitlement not found' },
    { it: 'Nessuna abilitazione con questo riferimento.', en: 'No entitlement with this reference.' },
  ),
  EVIDENCE_ALREADY_CHECKED: problem(
    409,
    { it: 'Autodichiarazione già verificata', en: 'Self-declaration already checked' },
    {
      it: 'Questa abilitazione non è in attesa di verifica (stato: {evidenceStatus}). Se va corretta, chiami il contact center.',
      en: 'This entitlement is not waiting to be checked (status: {evidenceStatus}). If it must be corrected, call the contact center.',
    },
  ),
  OBESITY_BMI_NOT_SEVERE: problem(
    400,
    { it: 'Indice di massa corporea non superiore a 35', en: 'Body-mass index not above 35' },
    {
      it: 'La grave obesità della Tabella 1 richiede un BMI maggiore di 35; quello indicato è {bmi}. La persona può prenotare con la propria fascia d’età.',
      en: 'Severe obesity in Table 1 needs a BMI above 35; the one given is {bmi}. The person can book with their age band.',
    },
  ),
  LINK_TO_SELF: problem(
    400,
    { it: 'Collegamento a se stessi', en: 'Link to oneself' },
    {
      it: 'La persona fragile non può essere collegata a se stessa come convivente o caregiver: indichi i dati del familiare o del caregiver.',
      en: 'The fragile person cannot be linked to themselves as cohabitant or caregiver: give the family member’s or caregiver’s details.',
    },
  ),
  LINK_PERSON_NOT_FRAGILE: problem(
    403,
    { it: 'Persona non riconosciuta come fragile', en: 'Person not recognised as fragile' },
    {
      it: 'Non risulta un’elevata fragilità (Tabella 1) né una disabilità grave per questa persona, quindi non si possono collegare conviventi o caregiver. Faccia la preadesione con autodichiarazione, oppure chieda al medico di famiglia la segnalazione.',
      en: 'No extreme vulnerability (Table 1) or severe disability is on record for this person, so no cohabitants or caregivers can be linked. Pre-register with a self-declaration, or ask the GP to report it.',
    },
  ),
  LINK_FRAGILE_ONLY_BY_AGE: problem(
    403,
    { it: 'Persona riconosciuta solo per età', en: 'Person recognised by age only' },
    {
      it: 'Questa persona risulta solo nella fascia d’età, non come fragile: per prenotare anche i caregiver chiami il contact center, che può aggiornare la categoria (ELIG-16).',
      en: 'This person is on record by age only, not as fragile: to book caregivers too, call the contact center, which can update the category (ELIG-16).',
    },
  ),
  LINK_RELATION_NOT_ALLOWED: problem(
    403,
    { it: 'Tipo di collegamento non previsto', en: 'Kind of link not provided for' },
    {
      it: 'Per la condizione di questa persona le raccomandazioni non prevedono la vaccinazione di «{relation}». Possono vaccinarsi: {allowed}.',
      en: 'For this person’s condition the recommendations do not provide for vaccinating "{relation}". Who may be vaccinated: {allowed}.',
    },
  ),
  LINK_LIMIT_REACHED: problem(
    409,
    { it: 'Già collegate 3 persone', en: '3 people already linked' },
    {
      it: 'A una persona fragile si possono collegare al massimo 3 conviventi o caregiver, e 3 sono già collegati. Per sostituirne uno, annulli prima un collegamento senza prenotazione.',
      en: 'At most 3 cohabitants or caregivers can be linked to a fragile person, and 3 already are. To replace one, first remove a link that has no booking.',
    },
  ),
  LINK_ALREADY_EXISTS: problem(
    409,
    { it: 'Persona già collegata', en: 'Person already linked' },
    {
      it: 'Questa persona è già collegata alla persona fragile.',
      en: 'This person is already linked to the fragile person.',
    },
  ),
  LINK_NOT_FOUND: problem(
    404,
    { it: 'Collegamento non trovato', en: 'Link not found' },
    {
      it: 'Nessun collegamento attivo con questo riferimento per questa persona.',
      en: 'No active link with this reference for this person.',
    },
  ),
  LINKED_PERSON_NOT_FOUND: problem(
    404,
    { it: 'Familiare o caregiver non trovato', en: 'Family member or caregiver not found' },
    {
      it: 'Codice fiscale e numero di tessera sanitaria non corrispondono a un assistito: li ricopi dalla tessera sanitaria del familiare o del caregiver. Se la persona non è assistita in regione, chiami il contact center.',
      en: 'Tax code and health-card number do not match a registered person: copy them again from the family member’s or caregiver’s health card. If the person is not registered in the region, call the contact center.',
    },
  ),
  ADMISSION_NOT_NEEDED: problem(
    409,
    { it: 'Persona già assistita in regione', en: 'Person already served by the region' },
    {
      it: 'Questa persona è assistita in regione o è già stata presa in carico: può prenotare secondo la propria categoria.',
      en: 'This person is served by the region or already taken in charge: they can book according to their category.',
    },
  ),
  ADMISSION_NOT_ENTITLED_BY_AGE: problem(
    409,
    { it: 'Fascia d’età non ancora prevista', en: 'Age band not yet provided for' },
    {
      it: 'L’inserimento negli elenchi di prenotazione riguarda chi ha diritto per età; l’età di questa persona non rientra in nessuna categoria del piano in vigore.',
      en: 'Insertion into the booking lists is for people entitled by age; this person’s age is in no category of the plan in force.',
    },
  ),
  APPLICATION_ALREADY_OPEN: problem(
    409,
    { it: 'Domanda già presentata', en: 'Application already made' },
    {
      it: 'Per questa persona c’è già una domanda in corso o accolta: ne segua l’esito invece di presentarne un’altra.',
      en: 'This person already has a pending or approved application: follow it instead of making another.',
    },
  ),
  APPLICATION_NOT_FOUND: problem(
    404,
    { it: 'Domanda non trovata', en: 'Application not found' },
    { it: 'Nessuna domanda con questo riferimento.', en: 'No application with this reference.' },
  ),
  APPLICATION_ALREADY_DECIDED: problem(
    409,
    { it: 'Domanda già decisa', en: 'Application already decided' },
    {
      it: 'Questa domanda è già stata {status}: una decisione non si cambia; se serve, la persona presenti una nuova domanda.',
      en: 'This application was already {status}: a decision is not changed; if needed, the person makes a new application.',
    },
  ),
  LIST_TYPE_CLOSED: problem(
    409,
    { it: 'Elenchi non più accettati', en: 'Lists no longer accepted' },
    {
      it: 'Gli elenchi di tipo «{listType}» non si caricano più dal {closedFrom} (ELIG-19): da quella data le persone si registrano da sole con la preadesione.',
      en: 'Lists of type "{listType}" are not loaded from {closedFrom} (ELIG-19): from that date people register themselves through pre-registration.',
    },
  ),
  LIST_SOURCE_OUT_OF_SCOPE: problem(
    403,
    { it: 'Azienda sanitaria non di sua competenza', en: 'Health authority outside your scope' },
    {
      it: 'Può caricare elenchi solo per le aziende sanitarie di cui è amministratore; {sourceAuthority} non è tra queste.',
      en: 'You can upload lists only for the health authorities you administer; {sourceAuthority} is not one of them.',
    },
  ),
  LIST_SOURCE_UNKNOWN: problem(
    400,
    { it: 'Azienda sanitaria sconosciuta', en: 'Unknown health authority' },
    {
      it: 'Il codice {sourceAuthority} non è un’azienda sanitaria censita: usi il codice dell’elenco delle aziende (ad esempio ATS-VALPADANA).',
      en: 'Code {sourceAuthority} is not a known health authority: use the code of the list of authorities (e.g. ATS-VALPADANA).',
    },
  ),
  LIST_FILE_FORMAT: problem(
    415,
    { it: 'Formato di file non accettato', en: 'File format not accepted' },
    {
      it: 'Gli elenchi si caricano come CSV (separatore ; o ,) o come foglio Excel .xlsx; «{fileName}» non è né l’uno né l’altro.',
      en: 'Lists are uploaded as CSV (separator ; or ,) or as an Excel .xlsx sheet; "{fileName}" is neither.',
    },
  ),
  LIST_FILE_COLUMNS: problem(
    400,
    { it: 'Colonne mancanti', en: 'Missing columns' },
    {
      it: 'Alla prima riga del file mancano le colonne {missing}. Le colonne previste per un elenco «{listType}» sono: {expected}.',
      en: 'The first row of the file lacks the columns {missing}. The columns of a "{listType}" list are: {expected}.',
    },
  ),
  LIST_FILE_UNREADABLE: problem(
    400,
    { it: 'File illeggibile', en: 'Unreadable file' },
    {
      it: 'Il file non si legge oltre la riga {rowNumber}: {reason}. Le righe precedenti sono state caricate; corregga il file e lo ricarichi: riprenderà da dove si è fermato.',
      en: 'The file cannot be read past row {rowNumber}: {reason}. The rows before it were loaded; fix the file and upload it again: it will resume where it stopped.',
    },
  ),
  LIST_FILE_TOO_LARGE: problem(
    413,
    { it: 'File troppo grande', en: 'File too large' },
    {
      it: 'Il file supera {maxMegabytes} MB: lo divida in più file.',
      en: 'The file exceeds {maxMegabytes} MB: split it into several files.',
    },
  ),
  LIST_UPLOAD_NOT_FOUND: problem(
    404,
    { it: 'Caricamento non trovato', en: 'Upload not found' },
    { it: 'Nessun caricamento di elenco con questo riferimento.', en: 'No list upload with this reference.' },
  ),
  LIST_UPLOAD_IN_PROGRESS: problem(
    409,
    { it: 'Caricamento già in corso', en: 'Upload already in progress' },
    {
      it: 'Questo stesso file è già in caricamento (caricamento {uploadId}): ne segua l’avanzamento invece di inviarlo di nuovo.',
      en: 'This same file is already being loaded (upload {uploadId}): follow its progress instead of sending it again.',
    },
  ),
});
