-- The skills an offer asks for (France Travail's competences and qualitesProfessionnelles, a recruiter's list),
-- one a line: the match score reads them first.
ALTER TABLE job_offers ADD COLUMN skills TEXT NOT NULL DEFAULT '';
